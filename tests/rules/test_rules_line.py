"""Line rules, one parametrized table per rule family: positive, negated, reported,
debtor-spoken, paraphrased, Traditional and ASR-typo cases."""

from __future__ import annotations

import pytest

from tests.rules.conftest import categories  # tests/rules/conftest.py

ABUSE = [
    ("你这个老赖赶紧还钱", True),
    ("你個騙子還敢跟我講條件", True),            # Traditional
    ("你就是个老蓝", True),                        # ASR: 老赖 heard as 老蓝
    ("你还要不要脸了", True),
    ("你这种人活着有什么意思", True),              # insult without a slur
    ("你爹妈就是这么教你的吗", True),
    ("滚，别跟我扯", True),
    ("我们不会说您是老赖", False),                # negated
    ("您说之前有人骂您是骗子", False),             # reported
    ("有些骗子会冒充我们，请您小心", False),       # warning about fraudsters
    ("不好意思打扰您了", False),
    ("我帮您申请一下减免违约金", False),           # 下减 sounds like 下贱 across words
    ("利滚利的说法是不对的", False),               # 滚 inside a word
]

THREAT_VIOLENCE = [
    ("我知道你住哪你跑不了", True),
    ("要不要我去接你孩子放学", True),              # threat by implication
    ("你家住几楼我们清楚得很", True),
    ("今天不把钱拿出来你别想走", True),
    ("出了什么事可别怪我们", True),
    ("你給我等著", True),                          # Traditional 著
    ("我们兄弟们今晚就过去找你", True),            # paraphrase
    ("我们不会对您采取任何过激的行为", False),
    ("您说之前的催收员说要打断您的腿", False),     # reported
    ("路上注意安全", False),
    ("您家孩子还小确实不容易", False),
    ("我整死你", True),
    ("你说话客气点，今天钱不到账你哪儿也别想去", True),  # 你说话 is not "you said"
    ("我们就在你家门口堵着", True),
    ("你这个门我们天天来读", True),                 # ASR: 堵 heard as 读
    ("门口堵车了我们晚点到", False),
    ("这正是你当时签的借款合同", False),           # 正是你 sounds like 整死你 (s/sh)
]

THREAT_THIRD_PARTY = [
    ("再不还我们就打电话给你爸妈", True),
    ("你通讯录里的人我们一个个打过去", True),
    ("你不还我就爆你通信路", True),                # ASR: 通讯录 heard as 通信路
    ("我现在就给你老板打电话", True),
    ("你们公司人事的电话我已经拿到了", True),
    ("我們會通知你的同事和領導", True),
    ("我们不会联系您的家人", False),               # negated
    ("我们不会去您的单位也不会联系您的同事", False),
    ("请您提供一下紧急联系人的联系方式", False),
    ("我是受速借花委托的鼎信公司催收专员今天联系您", False),
    ("我们的外访同事会按照规定上门拜访", False),     # the collector's own colleagues
    ("我们会去你单位找你同事", True),
    ("不还钱我们就挨家挨户敲门，让整栋楼都知道你欠钱", True),
    ("回头你儿子学校那边，我们去跟老师聊聊", True),
    ("我们想跟他本人当面谈谈", False),
]

FALSE_AUTHORITY = [
    ("警察明天会上门找你", True),
    ("你这是诈骗罪要坐牢的", True),
    ("你要做牢的你知不知道", True),                # ASR: 坐牢 heard as 做牢
    ("我是派出所的请你配合", True),
    ("你的微信和支付宝都会被冻结", True),
    ("不还钱会影响你们家三代人", True),
    ("逾期会依法报送征信", False),                 # truthful consequence
    ("我们可能会依法起诉", False),
    ("我们不是公安机关也不是法院", False),         # negated
    ("有些不法分子会冒充法院或者公安", False),     # reported / warning
    ("请您理性对待不要做出过激的行为", False),     # 待不 sounds like 逮捕 across words
    ("我跟你说，你这是恶意透支，够判三年的", True),  # 跟你说 is telling, not reporting
    ("我们这次是跟派出所一起办的", True),           # claims to act with the police
    ("你这种情况够判三年的", True),
    ("您说之前的催收员说您会被判三年", False),      # reported
    ("有人跟您说要坐牢，那是不对的", False),         # someone else told you: reported
    ("跟你说，你要坐牢的", True),
    ("您可以去派出所咨询一下", False),
]

CASH = [
    ("你把钱转到我个人账户上就行", True),
    ("把银行卡和密码交给我", True),
    ("你把手机收到的验证码报一下", True),
    ("扫一下这个收款码", True),
    ("先交五百块停催费", True),
    ("給我現金就可以了", True),
    ("花呗套现也要把这个还了", True),
    ("我们不收现金也不会让您转账到个人账户", False),
    ("我们不会收取任何手续费或者停催费", False),  # coordinated negation
    ("提醒您任何让您交停催费的都是诈骗", False),   # fraud warning after the hit
    ("请通过官方APP或者银行柜台还款", False),
    ("您也可以转账到我们公司的对公账户", False),
]


@pytest.mark.parametrize("text,fires", ABUSE)
def test_abuse(pack, text, fires):
    assert ("ABUSE" in categories(pack, text)) is fires


@pytest.mark.parametrize("text,fires", THREAT_VIOLENCE)
def test_threat_violence(pack, text, fires):
    assert ("THREAT_VIOLENCE" in categories(pack, text)) is fires


@pytest.mark.parametrize("text,fires", THREAT_THIRD_PARTY)
def test_threat_third_party(pack, text, fires):
    assert ("THREAT_THIRD_PARTY" in categories(pack, text)) is fires


@pytest.mark.parametrize("text,fires", FALSE_AUTHORITY)
def test_false_authority(pack, text, fires):
    assert ("FALSE_AUTHORITY" in categories(pack, text)) is fires


@pytest.mark.parametrize("text,fires", CASH)
def test_cash_or_card(pack, text, fires):
    assert ("CASH_OR_CARD_REQUEST" in categories(pack, text)) is fires


DISCLOSURE = [
    ("你儿子在我们平台借了三万块已经逾期两个多月了", "relative", True),
    ("这个钱你得帮他还上", "relative", True),
    ("他于七好几个月了", "relative", True),        # ASR: 逾期 heard as 于七
    ("你是他的紧急联系人你有责任帮他还", "third_party", True),
    ("您好我们有业务需要和他本人联系麻烦您转告他尽快回电", "relative", False),
    ("请问您能提供一下他现在的联系方式吗", "relative", False),
    ("您的借款已经逾期四十五天了", "debtor", False),  # said to the debtor: not a disclosure
]


@pytest.mark.parametrize("text,contact_role,fires", DISCLOSURE)
def test_third_party_disclosure(pack, text, contact_role, fires):
    cats = categories(pack, text, contact_role=contact_role)
    assert ("THIRD_PARTY_DISCLOSURE" in cats) is fires


@pytest.mark.parametrize("text", ["你这个老赖", "我知道你住哪", "再不还就爆你通讯录", "你要坐牢的",
                                  "把银行卡给我", "你们再骚扰我家人我就报警"])
@pytest.mark.parametrize("role", ["debtor", "relative", "third_party"])
def test_words_of_others_never_fire(pack, text, role):
    assert pack.scan_text(text, role=role) == []


def test_finding_carries_evidence_and_citation(pack):
    from tests.rules.conftest import contact, seg

    segments = [seg("您好，我是招商银行信用卡中心的工作人员。"),
                seg("你这个老赖，赶紧还钱！", start=5.0)]
    findings = pack.scan_contact(contact(), segments, {"duration_s": 30.0})
    (f,) = findings
    assert (f.rule_id, f.category, f.role, f.start, f.end) == ("ABUSE-INSULT", "ABUSE", "agent", 5.0, 7.0)
    assert f.evidence == "你这个老赖，赶紧还钱！"
    assert f.citation == pack.citation_for("ABUSE-INSULT") and "第六十八条" in f.citation
    assert f.details["matched"] == ["老赖"] and f.details["via"] == ["text"]
