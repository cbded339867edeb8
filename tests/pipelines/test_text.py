"""Whisper output clean-up and pinyin hotword correction."""

from __future__ import annotations

import pytest

from audit.text import to_simplified
from pipelines.asr import AsrSegment, Word
from pipelines.correct import Corrector
from pipelines.text import clean_segments


def seg(text, start=0.0, end=3.0, **kw):
    return AsrSegment(start, end, text, **kw)


def test_traditional_becomes_simplified():
    (s,) = clean_segments([seg("你這種老賴，通訊錄裡的人都會知道")])
    assert s.text == "你这种老赖，通讯录里的人都会知道"
    assert to_simplified("還款", phrases=True) == "还款"
    assert to_simplified("妳這是惡意透支，等著吧", phrases=True) == "你这是恶意透支，等着吧"  # 妳 and 著 too


@pytest.mark.parametrize("text", ["字幕由Amara.org社区提供", "请不吝点赞 订阅 转发 打赏支持明镜与点点栏目",
                                  "谢谢观看", "中文字幕志愿者 李宗盛"])
def test_subtitle_credits_are_dropped(text):
    assert clean_segments([seg(text)]) == []


def test_repeated_line_and_loops():
    out = clean_segments([seg("好的", 0, 1), seg("好的", 1.2, 2), seg("我这周我这周我这周我这周我这周", 3, 8)])
    assert [s.text for s in out] == ["好的", "我这周我这周"]


def test_impossible_density_is_dropped():
    loop = "我们是鼎信公司的，" * 5 + "鼎信公司的，鼎信公司的"
    words = [Word(23.5 + i * 0.01, 23.51 + i * 0.01, c) for i, c in enumerate(loop)]
    assert clean_segments([seg(loop, 23.48, 24.04, words=words)]) == []


@pytest.mark.parametrize("heard, fixed", [
    ("我是召伤银行信用卡中心的工作人员", "我是招商银行信用卡中心的工作人员"),
    ("我就把你欠钱的事发给你通讯路里所有人", "我就把你欠钱的事发给你通讯录里所有人"),
    ("也可以到银行贵台办理", "也可以到银行柜台办理"),
    ("受速借花委托", "受速借花委托"),
    ("今天天气不错", "今天天气不错"),  # nothing sounds like a term: untouched
])
def test_corrector(heard, fixed):
    assert Corrector(hotwords=["招商银行", "招商银行信用卡中心"])(heard) == fixed
