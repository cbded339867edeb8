"""The call's names are matched approximately, with guards against rewriting what was right."""

from __future__ import annotations

import pytest

from pipelines.correct import Corrector, people_frames
from pipelines.vocabulary import Vocabulary, call_corrector

HB_004 = Vocabulary(creditor=["交通银行", "交行"], agency=["交通银行信用卡中心", "信用卡中心"], people=["刘志远"],
                    product=["信用卡", "账单", "最低还款额", "分期"])


@pytest.mark.parametrize(("heard", "fixed", "names"), [
    ("我是塑建花委托的催收专员", "我是速借花委托的催收专员", ["速借花"]),  # one syllable off (jian/jie)
    ("我们是中夕银行信用卡中心的", "我们是中信银行信用卡中心的", ["中信银行信用卡中心", "中信银行"]),
    ("还款请走中线银行的官方渠道", "还款请走中信银行的官方渠道", ["中信银行"]),
    ("我是张商银行系用卡中心的", "我是招商银行信用卡中心的", ["招商银行信用卡中心"]),  # two of nine
])
def test_a_name_heard_one_syllable_off_is_restored(heard, fixed, names):
    assert Corrector(names=names)(heard) == fixed


@pytest.mark.parametrize("heard", [
    "这是我们俩的工作证，您可以看一下",  # hb-004: 工作证 must never become 工作人员 (VISIT_PROCEDURE)
    "这是我的工作证和身份证",
    "我们是工作人员",
])
def test_hb_004_a_domain_word_already_right_stays(heard):
    assert call_corrector(HB_004)(heard) == heard


def test_guards_length_distance_and_known_words():
    corrector = Corrector(names=["速借花"])
    assert corrector("快一点") == "快一点"  # nothing like the name
    assert corrector("速借") == "速借"  # shorter than the name: never
    assert corrector("塑建发") == "塑建发"  # two syllables off of three: too far
    # a known word inside the stretch that the name does not hold at that place blocks the rewrite
    assert Corrector(names=["信用卡中心"])("信用卡中新") == "信用卡中心"
    assert Corrector(["征信"], names=["中信银行"])("征信银行") == "征信银行"


def test_short_call_words_stay_out_of_the_corrector():
    vocabulary = Vocabulary(creditor=["平安普惠"], agency=["诚和资产管理公司", "诚和公司", "诚和"], people=["王晨"])
    corrector = call_corrector(vocabulary)
    assert corrector("请尽快完成还款") == "请尽快完成还款"  # 王晨 sounds like 完成
    assert corrector("构成合同违约") == "构成合同违约"  # 诚和 sounds like 成合
    assert corrector("受平安普贵委托") == "受平安普惠委托"  # gui/hui: one syllable, onset group g/k/h


def test_names_are_read_by_words():
    # 行 of 银行 is hang: 交通营航 (ying hang) is 交通银行
    assert Corrector(names=["交通银行信用卡中心"])("我们是交通营航信用卡中心的") == "我们是交通银行信用卡中心的"


def test_any_onset_only_when_the_rest_is_the_names_own_characters():
    corrector = Corrector(names=["鼎信公司", "招商银行", "鼎信催收"])
    assert corrector("我是并信公司的工作人员") == "我是鼎信公司的工作人员"
    assert corrector("你可以在网上银行操作") == "你可以在网上银行操作"  # wang/zhao, and 上 is not 商
    assert corrector("委托相关公司进行催收") == "委托相关公司进行催收"  # jin/ding, and 行 is not 信


def test_every_reading_of_a_character_only_for_names_matched_exactly():
    # 言行 is read yan xing, but 行 also reads hang: 广发言行 is 广发银行 (yan/yin: one letter)
    assert Corrector(names=["广发银行"])("受广发言行委托") == "受广发银行委托"
    # the generic terms keep to the common readings: 前 is not the qian of 欠款
    assert Corrector()("请于本月底前完成还款") == "请于本月底前完成还款"


def test_people_are_matched_exactly_only():
    corrector = call_corrector(Vocabulary(people=["梁志勇"]))
    assert corrector("以免造成不良作用") == "以免造成不良作用"
    assert corrector("我是梁志勇") == "我是梁志勇"


def test_the_names_own_character_matches_however_it_is_read():
    # 音行 is read yin xing; 行 is the name's own character; 过/广 is the one syllable off
    assert Corrector(names=["广发银行"])("您通过过发音行的官方渠道还款") == "您通过广发银行的官方渠道还款"


@pytest.mark.parametrize(("heard", "fixed", "names"), [
    ("你还是在快一点的官方渠道还", "你还是在快易借的官方渠道还", ["快易借"]),  # anchored after: dian/jie
    ("月底之前在平安土贵的官方渠道还", "月底之前在平安普惠的官方渠道还", ["平安普惠"]),  # two of four off
    ("受赦见花委托联系您", "受速借花委托联系您", ["速借花"]),  # anchored on both sides: two of three
    ("受广发言好委托", "受广发银行委托", ["广发银行"]),
    ("受赦见花伟托联系您", "受速借花委托联系您", ["速借花"]),  # the anchor after is read by its sound
    ("我是招商银行信用卡通信的工作人员", "我是招商银行信用卡中心的工作人员", ["招商银行信用卡中心"]),
    ("我是普宝银行信用卡中心的工作人员", "我是浦发银行信用卡中心的工作人员", ["浦发银行信用卡中心"]),
    ("我是安心拿公司的外访员", "我是安信达公司的外访员", ["安信达公司"]),
    ("红打遵守公司", "恒达催收公司", ["恒达催收公司"]),
])
def test_an_anchored_name_may_be_further_off(heard, fixed, names):
    assert Corrector(names=names)(heard) == fixed


@pytest.mark.parametrize(("text", "names"), [
    ("你快一点", ["快易借"]),  # no anchor: the common phrase stays
    ("我工商银行的卡可以吗", ["招商银行"]),  # another bank the debtor may mean
    ("你可以在网上银行操作", ["招商银行"]),
    ("你可以在手机银行上操作", ["招商银行"]),
    ("上海证大投资咨询有限公司请您注意", ["安信达商务咨询有限公司"]),  # a long name is not rebuilt
    ("我们在平台上的官方渠道", ["平安普惠"]),
])
def test_anchors_do_not_rewrite_ordinary_speech(text, names):
    assert Corrector(names=names)(text) == text


@pytest.mark.parametrize(("heard", "fixed"), [
    ("我心无这是我的工作证", "我姓吴这是我的工作证"),  # the agent's surname, fuzzy (wu)
    ("外访专员我信留，这是我的工作证", "外访专员我姓刘，这是我的工作证"),
    ("我姓网这是我们的工作证", "我姓王这是我们的工作证"),
    ("我信证这是我的工作证", "我姓郑这是我的工作证"),  # another surname: only before 这是
    ("照先生您先别激动", "赵先生您先别激动"),
    ("留女士我们不是来逼您的", "刘女士我们不是来逼您的"),
    ("您好是郭靖女师吗", "您好是郭靖女士吗"),
    ("王女是，下午好", "王女士，下午好"),
])
def test_people_in_their_frames(heard, fixed):
    assert people_frames(heard, "吴刘王") == fixed


@pytest.mark.parametrize("text", [
    "我行为不当", "我心里是这么想的", "我信你，", "我心慌", "我心累这是真的吗", "我心累这是我的错", "我新买这是我的",
    "孙女是我带大的", "子女是无辜的", "来了位先生", "您好,东先生,我是银行的", "王律师您好",
])
def test_people_frames_leave_ordinary_speech(text):
    assert people_frames(text, "吴刘王李") == text
    assert call_corrector(Vocabulary(people=["吴建平", "刘志远"]))(text) == text


def test_the_call_corrector_knows_the_agents_surname():
    corrector = call_corrector(Vocabulary(people=["吴建平"]))
    assert corrector("我们是中信银行的，我心无，这是我的工作证") == "我们是中信银行的，我姓吴，这是我的工作证"


@pytest.mark.parametrize(("heard", "fixed"), [
    ("请您尽快通过官方起到还款", "请您尽快通过官方渠道还款"),  # a long domain term one letter off
    ("还有一份罪款通知书", "还有一份催款通知书"),
    ("可以申请个性化分析，每个月少还一点", "可以申请个性化分期，每个月少还一点"),  # 申请 … 分期
    ("你们信用卡已经一七四十七天了", "你们信用卡已经逾期四十七天了"),  # 已经逾期 + days
    ("在官方渠道海，别再拖了", "在官方渠道还，别再拖了"),
    ("上面写了官方的海款方式", "上面写了官方的还款方式"),
    ("和物业说你欠钱不害。", "和物业说你欠钱不还。"),
    ("他上班起了，有什么事跟我说", "他上班去了，有什么事跟我说"),
    ("反正一期记录是要报的", "反正逾期记录是要报的"),
    ("这是我的工作证语，请您过目", "这是我的工作证，请您过目"),
    ("我们不会连续您的家人", "我们不会联系您的家人"),
])
def test_words_in_their_frames(heard, fixed):
    assert Corrector()(heard) == fixed


@pytest.mark.parametrize("text", [
    "我发你一个个人账号，你转过来就行",  # 账号 is a word: one letter only for the generic terms
    "我们分析一下你的情况", "这起到了作用", "一七年的时候", "上海的分公司", "我不害怕", "第一期还了",
    "连续三天打电话", "他一起了吗",
])
def test_generic_terms_leave_ordinary_speech(text):
    assert Corrector()(text) == text


# round 3: names that generalise (docs/hearing.md)
@pytest.mark.parametrize(("heard", "fixed", "short"), [
    ("您可以在中心的手机银行还", "您可以在中信的手机银行还", ["中信"]),  # sound-alike word in an org's frame
    ("你那张中心卡已经逾期了", "你那张中信卡已经逾期了", ["中信"]),
    ("到时候在一家的应用里还就行", "到时候在易佳的应用里还就行", ["易佳"]),
    ("打名声的客服电话就能办", "打民生的客服电话就能办", ["民生"]),
    ("我们是横泽的，这是工作证", "我们是恒泽的，这是工作证", ["恒泽"]),
    ("在贵通的应用里还上", "在汇通的应用里还上", ["汇通"]),  # one letter off, onset of the same group
    ("走过发的官方渠道", "走广发的官方渠道", ["广发"]),  # two letters before a strong anchor
])
def test_two_character_names_in_an_organisations_frame(heard, fixed, short):
    assert Corrector(short_names=short)(heard) == fixed


@pytest.mark.parametrize("text", [
    "这是信用卡中心的客服电话",  # 中心 inside a word already matched
    "我在中心的时候见过他", "我们一家的事不用你管", "去服务中心的柜台",  # no org frame on both sides
    "你去工商银行的柜台还",  # another bank the debtor may mean
    "我们在一起的时候",
])
def test_two_character_names_leave_ordinary_speech(text):
    assert Corrector(short_names=["中信", "易佳", "工商"])(text) == text


def test_an_exact_form_wins_over_an_approximate_one_of_the_same_length():
    # 一家小代 is 易佳小贷 exactly; 易佳网络 (tried first, same length) may not take it approximately
    corrector = Corrector(names=["易佳网络", "易佳小贷"])
    assert corrector("受一家小代委托联系您") == "受易佳小贷委托联系您"


def test_the_calls_own_surname_heard_with_r_for_l():
    assert people_frames("我姓如，这是我的工作证", "卢") == "我姓卢，这是我的工作证"
    assert people_frames("我姓如，这是我的工作证", "陈") == "我姓如，这是我的工作证"


@pytest.mark.parametrize(("heard", "fixed"), [
    ("您这笔已经以七八十四天了", "您这笔已经逾期八十四天了"),  # days past due without 已经 before it too
    ("一七三个多月了", "逾期三个多月了"),
    ("于七纪录会如时报送征信", "逾期记录会如实报送征信"),
    ("你把公司卡交给我们", "你把工资卡交给我们"),
    ("等你发了公司再说", "等你发了工资再说"),
    ("他在平台上见了三万块", "他在平台上借了三万块"),
    ("你到底是哪家等？", "你到底是哪家的？"),  # 是…的 heard 是…等 at the end of a clause
    ("你们会不会跟他说这个是？", "你们会不会跟他说这个事？"),  # 是 ends no clause
])
def test_round_three_frames(heard, fixed):
    assert Corrector()(heard) == fixed


@pytest.mark.parametrize("text", [
    "我们一起三天没见了", "请稍等。", "我就是在等，", "他在开发公司上班", "公司的卡不能用", "第一期三个月",
    "你先等，", "见了面再说", "这个是我的", "什么是逾期？", "就是这个是吧",
])
def test_round_three_frames_leave_ordinary_speech(text):
    assert Corrector()(text) == text


@pytest.mark.parametrize(("heard", "fixed", "names"), [
    # 受 X 委托 heard 收: fixed before the names, so that 受 anchors the name on both sides
    ("我们是安信达公司的，收快意见委托来找你", "我们是安信达公司的，受快易借委托来找你", ["快易借"]),
])
def test_entrusted_by_heard_as_receive(heard, fixed, names):
    assert Corrector(names=names)(heard) == fixed


@pytest.mark.parametrize(("heard", "fixed"), [
    ("账单上本金家里西一共两万", "账单上本金加利息一共两万"),
    ("他信用卡签了我们三万多块", "他信用卡欠了我们三万多块"),
    ("半年了一分没海。", "半年了一分没还。"),
    ("我明天去柜台海，", "我明天去柜台还，"),
])
def test_money_owed_in_its_frames(heard, fixed):
    assert Corrector()(heard) == fixed


@pytest.mark.parametrize("text", [
    "合同我签了两份", "他签了字", "我收到委托书了", "收钱委托别人", "我家里西边有个超市", "上海。", "这里没海，",
])
def test_money_frames_leave_ordinary_speech(text):
    assert Corrector()(text) == text
