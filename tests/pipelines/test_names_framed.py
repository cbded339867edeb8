"""Session 9 of the corrector (docs/hearing.md): a two-character name heard as a word, where what
follows is said only after an organisation (:mod:`pipelines.names_framed`).

Most names here are not those of the corpora the rule was read from (corpus_heldout5): the rule
must hold for names nobody has seen.
"""

from __future__ import annotations

import pytest

from audit.schema import Contact
from pipelines.correct import Corrector
from pipelines.vocabulary import call_corrector, call_vocabulary
from tests.pipelines.test_vocabulary import BASE


@pytest.mark.parametrize(
    ("heard", "fixed", "name"),
    [
        ("花容的官方渠道可以还", "华融的官方渠道可以还", "华融"),  # a word of the same sound, no word before it
        ("这是薄海银行的账单", "这是渤海银行的账单", "渤海"),
        ("您这张迷声卡逾期了", "您这张民生卡逾期了", "民生"),  # one letter off before 卡 (not 声卡: 迷声卡 is no word)
        ("您的新月信用卡", "您的兴业信用卡", "兴业"),
        ("这是您中心卡的账单", "这是您中信卡的账单", "中信"),
        ("容怨的应用里还了没有", "融悦的应用里还了没有", "融悦"),  # two letters off (yuan / yue)
    ],
)
def test_a_short_name_heard_as_a_word_in_an_organisations_frame(heard, fixed, name):
    # (round 3's frame needs a word before the name too: 在, 到, 受, 我是 ...)
    assert Corrector(short_names=[name])(heard) == fixed


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("客服中心的官方电话是多少", "中信"),  # a word after a word: 客服中心, not a name
        ("您的信用卡逾期了", "兴业"),  # 信用卡 is a word with what follows
        ("他是医生的", "民生"),
        ("在医生的官方应用里还", "民生"),  # yi / min: another onset
        ("请在平台的官方渠道还款", "平安"),  # tai / an: another onset
        ("您在我行的信用卡欠款", "招行"),  # the bank speaking of itself
        ("感谢您使用本行信用卡", "鼎信"),
        ("上面有银行的客服电话", "鼎信"),  # 银行 is read yin hang  # 的 alone is no organisation's frame
        ("他那个医生的卡丢了", "民生"),  # two letters off before 的卡: it follows other things too
        ("我在光大的官方渠道还过", "广发"),  # another bank's short name
        ("工商银行的卡", "招商"),  # another bank
        ("在市中心的卡", "中信"),  # 市中心: a word across the left edge
        ("家庭成员的借款", "澄远"),
        ("那就是柔叶的借款", "融悦"),  # rou / rong and ye / yue: three letters
    ],
)
def test_a_word_outside_the_frame_or_another_institution_stays(text, name):
    assert Corrector(short_names=[name])(text) == text


def test_the_line_of_business_of_the_calls_own_form_is_a_frame():
    contact = Contact(**BASE, agent_name="刘志远", creditor="平安银行", agency="济南润禾资产管理有限公司")
    corrector = call_corrector(call_vocabulary(contact))
    # both syllables one letter off: too far for the anchored four-character name (one of two)
    assert corrector("我们是论格资产的外访人员") == "我们是润禾资产的外访人员"


def test_a_word_two_letters_off_stays_before_the_line_of_business():
    contact = Contact(**BASE, agent_name="刘志远", creditor="广发银行", agency="诚汇资产管理有限公司")
    corrector = call_corrector(call_vocabulary(contact))
    assert corrector("你放心，我们是正规公司。") == "你放心，我们是正规公司。"  # zheng gui / cheng hui


def _debtor(name: str):
    contact = Contact(**BASE, agent_name="刘志远", creditor="平安银行", agency="平安银行信用卡中心", debtor_name=name)
    return call_corrector(call_vocabulary(contact))


@pytest.mark.parametrize(
    ("debtor", "heard", "fixed"),
    [
        ("闫志鹏", "颜先生您好，我是平安信用卡中心的", "闫先生您好，我是平安信用卡中心的"),
        ("闫志鹏", "请问是颜先生吗", "请问是闫先生吗"),
        ("钱国伟", "谢谢前先生，再见。", "谢谢钱先生，再见。"),  # 谢谢 is a word that ends there
        ("卞红", "变女是您好，我是平安信用卡中心的", "卞女士您好，我是平安信用卡中心的"),  # at the start
        ("严国栋", "我是景弘资产的言国动力", "我是景弘资产的严国栋力"),  # 国 is the name's own
        # read from corpus_heldout7 after its blind measurement (session 9): the title heard as no
        # word after 跟, and a full name said before its title at the start of a line
        ("房丽娜", "我姓龙，有点事情要跟房女是本人说", "我姓龙，有点事情要跟房女士本人说"),
        ("沈德富", "审得傅先生吗？我们三个是金城公司的", "沈德富先生吗？我们三个是金城公司的"),
        # the same shapes with names the set does not hold
        ("蔡静怡", "麻烦您叫菜女是接一下电话", "麻烦您叫蔡女士接一下电话"),
        ("柯文彬", "请问，可闻宾先生在家吗", "请问，柯文彬先生在家吗"),
    ],
)
def test_the_debtors_name_and_form_of_address_where_a_person_stands(debtor, heard, fixed):
    assert _debtor(debtor)(heard) == fixed


@pytest.mark.parametrize(
    ("debtor", "text"),
    [
        ("杨帆", "您好，是黄晓燕女士吗？"),  # 燕 ends another person's given name
        ("郭静", "请问是王建国先生吗？"),  # 建国: a word across the surname's place
        ("宁志强", "您之前向我们借款"),  # no character of the name, and words
        ("方振宇", "那随便你，反正逾期记录是要报征信的。"),
        ("魏丽娜", "我们是为你那笔信用卡欠款来的"),
        ("汪秀英", "你去找王律师问问"),  # the title heard as its sound after a word
        ("汪秀英", "我跟王律师说过了"),  # 律师 is a word: no title heard as its sound
        ("郭静", "我们找到建国先生了"),  # a word across the place where the name would begin
    ],
)
def test_the_log_names_leave_other_people_and_common_words(debtor, text):
    assert _debtor(debtor)(text) == text
