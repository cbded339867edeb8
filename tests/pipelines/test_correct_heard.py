"""Round 4 of the corrector (docs/hearing.md): names written as characters that make no word.

The names here are not the ones of the corpora the rules were read from (corpus_heldout3/4):
the rules must hold for names nobody has seen.
"""

from __future__ import annotations

import pytest

from pipelines.correct import Corrector, people_frames
from pipelines.names_heard import bounded, is_word, loose


@pytest.mark.parametrize(("text", "at", "expected"), [
    ("都在宁传的应用里还", "宁传", True),  # no word: 宁传, and none across its edges
    ("家庭成员都知道", "成员", False),  # a word
    ("提交航班信息", "交航", False),  # 提交 and 航班 run across its edges
    ("你这个再见航手机", "见航", False),  # 再见
])
def test_loose_is_no_word_and_no_word_across_the_edges(text, at, expected):
    assert loose(text, text.index(at), len(at)) is expected


@pytest.mark.parametrize(("text", "at", "expected"), [
    ("您先问问县航，有结果告诉我", "县航", True),  # 问问 is a word on its side, then a pause
    ("这是您教航卡的账单", "教航", True),  # 您, and 卡
    ("在快易借的官方渠道还", "易借", False),  # 快 is part of nothing: the name there is 快易借
    ("赵方凯先生", "方凯", False),
])
def test_bounded_is_the_whole_name_not_part_of_a_longer_one(text, at, expected):
    assert bounded(text, text.index(at), len(at)) is expected


def test_is_word_uses_the_dictionary():
    assert is_word("进行") and is_word("成员")
    assert not is_word("宁传") and not is_word("进")


@pytest.mark.parametrize(("heard", "fixed", "name"), [
    ("这是您见航卡的账单", "这是您建行卡的账单", "建行"),  # a homophone that makes no word, anywhere
    ("请到招航的网点办理", "请到招行的网点办理", "招行"),
    ("我在荷丰借了八千", "我在禾丰借了八千", "禾丰"),  # he feng, an invented lender
    ("你在米川的欠款", "你在闽川的欠款", "闽川"),  # one letter off (mi/min)
    ("直接跟呈演申请", "直接跟澄远申请", "澄远"),  # cheng yan / cheng yuan: one letter (fuzzy)
])
def test_a_two_character_name_heard_as_no_word_is_restored(heard, fixed, name):
    assert Corrector(short_names=[name])(heard) == fixed


@pytest.mark.parametrize(("text", "name"), [
    ("家庭成员都知道这件事", "澄远"),  # 成员 is a word
    ("广大用户都这样", "光大"),  # 广大 is a word
    ("就是想当面跟你核对印下借款", "易佳"),  # 印 is yin, not yi: two letters off
    ("这是你的电子和童", "汇通"),  # he / hui: two letters
    ("我们是在工行办的卡", "建行"),  # another bank the debtor may mean
    ("提交航班信息", "交行"),
    ("您的花薪钱包账户已逾期", "华夏"),  # one letter off with another tone (xin1 / xia4), no own character
    ("还款请在快易借的官方渠道", "易佳"),  # another lender's longer name
    ("我这礼拜五发工资", "浦发"),  # 五 and 不: function characters, never part of a garbled name
    ("老板怎么不发你工资", "浦发"),
    ("真是很会享受", "诚汇"),
    ("你早干嘛去了", "招行"),  # 干嘛 (counted 3 times) runs across the edge
    ("【佰仟租赁】赵方凯先生", "招行"),
])
def test_a_common_word_or_another_bank_stays(text, name):
    assert Corrector(short_names=[name])(text) == text


def test_an_agency_anchored_by_its_line_of_business():
    # kai/hai one syllable two letters off, lan/nan the same under n/l: anchored by 资产
    corrector = Corrector(names=["凯岚资产"])
    assert corrector("我是海南资产的工作人员") == "我是凯岚资产的工作人员"
    assert corrector("海南很热") == "海南很热"  # no anchor, no name


@pytest.mark.parametrize(("heard", "fixed"), [
    ("您好，我是诚汇公司的郑雅林，有件事跟您核对", "您好，我是诚汇公司的郑雅琴，有件事跟您核对"),  # qin/lin
    ("我叫谬德胜", "我叫缪德胜"),  # the surname heard as another character
])
def test_the_collectors_name_in_a_self_introduction(heard, fixed):
    corrector = Corrector(names=["诚汇公司"], short_names=["诚汇"], people=["郑雅琴", "缪德胜"])
    assert corrector(heard) == fixed


@pytest.mark.parametrize("text", [
    "我是诚汇公司的朋友",  # a word stays, even where a name could stand
    "我是诚汇公司的张经理",  # another person: the surname two letters off
    "我是诚汇公司的外访员",
    "郑雅林说的",  # no frame
    "我是诚汇公司的郑雅林宇",  # 郑雅林宇 is someone else's longer name
])
def test_no_name_without_the_frame_or_over_a_word(text):
    assert Corrector(names=["诚汇公司"], short_names=["诚汇"], people=["郑雅琴", "彭旭"])(text) == text


def test_another_line_of_business_is_another_organisation():
    # both-sided anchoring (受…委托) allows much, but 小贷 where the name has 资产 is another lender
    text = "我是鼎禾公司的，受星澜小贷委托联系您"
    assert Corrector(names=["凯岚资产"])(text) == text


def test_people_frames_a_bare_surname_and_a_pause_before_the_badge():
    assert people_frames("姓言，", "严") == "姓严，"  # 姓 said, the call's surname of the same sound
    assert people_frames("姓名，", "严") == "姓名，"  # not the call's surname: stays
    assert people_frames("我是泓安资产的，姓杭，有些业务", "韩") == "我是泓安资产的，姓杭，有些业务"  # hang/han
    assert people_frames("我信柯，这是我的工作证", "柯") == "我姓柯，这是我的工作证"
    assert people_frames("我信你，这是我的工作证") == "我信你，这是我的工作证"


def test_an_anchor_word_heard_as_its_sound():
    # 小代 is 小贷 said: it anchors the name, and tong/gong (onsets of two groups) is one syllable off
    corrector = Corrector(names=["宏通小贷"])
    assert corrector("受宏工小代委托来找你") == "受宏通小贷委托来找你"
    assert corrector("黄工小代") == "黄工小代"  # both syllables of the core off: too far


def test_the_collectors_name_is_not_found_in_function_words():
    corrector = Corrector(names=["诚汇公司"], short_names=["诚汇"], people=["韦静"])
    assert corrector("我们是为你那笔欠款来的") == "我们是为你那笔欠款来的"  # wei ni / wei jing: 为 你 are no name
    assert Corrector(people=["许慧玲"])("我是宏通公司的许会林，") == "我是宏通公司的许会林，"  # not the call's org
    with_org = Corrector(names=["宏通公司"], people=["许慧玲"])
    assert with_org("我是宏通公司的许会林我们受") == "我是宏通公司的许慧玲我们受"  # 会 may stand for 慧
