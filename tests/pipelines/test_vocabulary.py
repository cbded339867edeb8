"""The per-call vocabulary: the names people say, from the manifest row."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from audit.schema import Contact
from pipelines.vocabulary import CARD_CENTRE, call_vocabulary, short_forms

BASE = dict(call_id="c1", kind="call", started_at=datetime(2026, 11, 2, 10, tzinfo=timezone(timedelta(hours=8))),
            talk_seconds=30, outcome="answered", agent_id="A1")


def test_registered_names_lose_what_nobody_says():
    forms = short_forms("深圳市诚汇资产管理有限公司")
    assert forms[0] == "深圳市诚汇资产管理有限公司"
    for said in ("诚汇资产管理公司", "诚汇资产", "诚汇公司", "诚汇"):
        assert said in forms
    assert not any(f.startswith("深圳") for f in forms[1:])
    assert "速借花" in short_forms("速借花网络小贷")
    assert "恒达催收公司" in short_forms("恒达催收服务有限公司")
    assert short_forms("平安普惠") == ["平安普惠"]
    assert short_forms("") == []


def test_a_card_centre_is_said_by_its_bank_and_on_its_own():
    forms = short_forms("招商银行信用卡中心")
    assert forms[:2] == ["招商银行信用卡中心", "招商银行"]
    assert "招行" in forms and CARD_CENTRE in forms


def test_call_vocabulary_by_kind():
    contact = Contact(**BASE, agent_name="刘志远", agency="交通银行信用卡中心", creditor="交通银行",
                      product="credit_card", debtor_name="陈明")
    vocabulary = call_vocabulary(contact)
    assert vocabulary.creditor == ["交通银行", "交行"]
    # the bank is the creditor's word; the centre is said by the bank's short name too
    assert vocabulary.agency == ["交通银行信用卡中心", "交行信用卡中心", CARD_CENTRE]
    assert vocabulary.people == ["刘志远", "陈明"]
    assert "信用卡" in vocabulary.product
    assert vocabulary.words()[:2] == ["交通银行", "交行"]
    assert set(vocabulary.names()) == {"creditor", "agency", "people"}


def test_banks_are_said_without_china_place_or_legal_form():
    assert short_forms("中国民生银行股份有限公司")[1:] == ["中国民生银行", "民生银行", "民生"]
    assert short_forms("中国工商银行股份有限公司")[-2:] == ["工商银行", "工行"]  # not 工商 alone
    assert short_forms("中信银行股份有限公司")[1:] == ["中信银行", "中信"]
    assert short_forms("上海浦东发展银行股份有限公司")[-2:] == ["浦发银行", "浦发"]
    assert short_forms("深圳前海微众银行股份有限公司")[-2:] == ["微众银行", "微众"]
    # a city's own bank keeps its city: 银行 alone is no name
    assert short_forms("北京银行股份有限公司") == ["北京银行股份有限公司", "北京银行"]
    assert short_forms("中国银行") == ["中国银行", "中行"]
    assert not any(f.endswith("银行公司") for f in short_forms("平安银行股份有限公司"))


def test_a_card_centre_is_said_by_each_short_name_of_its_bank():
    forms = short_forms("中国民生银行信用卡中心")
    for said in ("民生银行信用卡中心", "民生信用卡中心", "民生银行", "民生", CARD_CENTRE):
        assert said in forms
    assert "招行信用卡中心" in short_forms("招商银行信用卡中心")


def test_lenders_lose_zone_and_are_said_by_their_line_of_business_short():
    forms = short_forms("深圳前海汇通网络小额贷款有限公司")
    for said in ("汇通小贷", "汇通", "汇通公司"):
        assert said in forms
    assert not any(f.startswith(("深圳", "前海")) for f in forms[1:])
    assert not any(f.endswith("小额") for f in forms)  # 小额贷款 is one unit
    assert "易佳小贷" in short_forms("重庆市易佳网络小额贷款有限公司")
    assert {"马上消费金融", "马上金融", "马上消金"} <= set(short_forms("马上消费金融股份有限公司"))
    assert "恒泽信息咨询公司" in short_forms("杭州恒泽信息咨询有限公司")


def test_china_and_brackets_are_not_said():
    assert {"华融资产", "华融"} <= set(short_forms("中国华融资产管理股份有限公司"))
    assert {"捷信消费金融", "捷信", "捷信消金"} <= set(short_forms("捷信消费金融（中国）有限公司"))
    # a name that is all place and line of business keeps its place (湖北消费金融 is not 消费金融)
    forms = short_forms("湖北消费金融股份有限公司")
    assert "湖北消费金融" in forms and "消费金融" not in forms


def test_the_debtor_from_the_log_is_in_the_vocabulary_with_forms_of_address():
    vocabulary = call_vocabulary(Contact(**BASE, agent_name="宋佳怡", debtor_name="邵志斌"))
    assert vocabulary.people == ["宋佳怡", "邵志斌"]
    assert vocabulary.addressed == ["邵先生", "邵女士"]
    assert vocabulary.names()["people"] == ["宋佳怡", "邵志斌", "邵先生", "邵女士"]
    assert vocabulary.surnames() == "宋邵"  # the collector's first: a self-introduction is theirs
    assert vocabulary.decoder_words("people") == ["宋佳怡", "邵志斌", "邵先生", "邵女士"]
    # a two-character surname is addressed whole
    assert call_vocabulary(Contact(**BASE, debtor_name="欧阳丽")).addressed == ["欧阳先生", "欧阳女士"]
    # no debtor name, or one that is no Chinese name of 2-4 characters: nothing of it
    for name in ("", "Li Na", "阿卜杜·热合曼"):
        vocabulary = call_vocabulary(Contact(**BASE, agent_name="宋佳怡", debtor_name=name))
        assert vocabulary.people == ["宋佳怡"] and vocabulary.addressed == []


def test_the_visits_other_collectors_are_in_the_vocabulary():
    contact = Contact(**BASE, agent_name="田晓峰", visit_staff=2, visit_staff_ids=("X703", "X701"),
                      visit_staff_names=("宋佳怡",))
    vocabulary = call_vocabulary(contact)
    assert vocabulary.people == ["田晓峰", "宋佳怡"]
    assert "宋佳怡" in vocabulary.words() and vocabulary.surnames() == "田宋"


def test_the_debtors_name_restores_how_the_debtor_is_addressed():
    from pipelines.vocabulary import call_corrector

    contact = Contact(**BASE, agent_name="郭振华", debtor_name="闫志鹏")
    correct = call_corrector(call_vocabulary(contact))
    # a surname of the same sound as the debtor's, and a word, are the debtor's surname
    assert correct("颜先生您好") == "闫先生您好"
    assert correct("请问是言志鹏先生吗") == "请问是闫志鹏先生吗"
    # without the log's name nothing tells 颜 from 闫
    assert call_corrector(call_vocabulary(Contact(**BASE, agent_name="郭振华")))("颜先生您好") == "颜先生您好"
    # another person's title and surname stay
    assert correct("王先生您好") == "王先生您好"


def test_decoder_words_are_all_or_people():
    vocabulary = call_vocabulary(Contact(**BASE, agent_name="刘志远", creditor="交通银行", debtor_name="陈明"))
    assert vocabulary.decoder_words() == vocabulary.words()
    assert vocabulary.decoder_words("people") == ["刘志远", "陈明", "陈先生", "陈女士"]
    import pytest

    with pytest.raises(ValueError, match="not one of all, people"):
        vocabulary.decoder_words("names")


def test_a_person_addressed_by_full_name_and_title_is_restored_from_the_log():
    from pipelines.vocabulary import call_corrector

    def correct(debtor: str, text: str) -> str:
        return call_corrector(call_vocabulary(Contact(**BASE, agent_name="宋佳怡", debtor_name=debtor)))(text)

    assert correct("缪德胜", "您好请问是缪德山先生吗") == "您好请问是缪德胜先生吗"  # one letter off
    assert correct("何志明", "请问试和这名先生吗") == "请问试何志明先生吗"  # 和 sounds like the surname 何
    assert correct("冯雅琴", "您是冯雅林女士吧") == "您是冯雅琴女士吧"
    # not without the frame, not another surname, not a word, not two syllables off
    assert correct("缪德胜", "缪德山先生") == "缪德山先生"
    assert correct("缪德胜", "请问是廖德胜先生吗") == "请问是廖德胜先生吗"
    assert correct("冯雅琴", "是冯雅林他们吗") == "是冯雅林他们吗"
    assert correct("何志明", "你找何主任先生吗") == "你找何主任先生吗"
    assert correct("杨帆", "是杨先生吗") == "是杨先生吗"
    # without the log's name nothing tells the name
    unnamed = call_corrector(call_vocabulary(Contact(**BASE, agent_name="宋佳怡")))
    assert unnamed("请问是缪德山先生吗") == "请问是缪德山先生吗"


def test_the_calls_words_reach_the_decoder_only_where_asked():
    from pathlib import Path

    import numpy as np

    from pipelines.asr import AsrOptions
    from pipelines.audio import Audio
    from pipelines.process import Pipeline, PipelineOptions

    class Recorder:  # the recogniser's boundary: keeps the options it was given
        name = "fake"
        options: list[AsrOptions] = []

        def transcribe(self, mono, options):
            self.options.append(options)
            return []

    audio = Audio(Path("a.wav"), np.zeros((1, 1600), np.float32), 16000, "0" * 64)
    contact = Contact(**BASE, agent_name="宋佳怡", creditor="招商银行股份有限公司", debtor_name="邵志斌")
    for options, expected in (
        (PipelineOptions(), []),  # the default: the call's words go to the corrector only
        (PipelineOptions(asr_options=AsrOptions(vocabulary_to="hotwords"), vocabulary_words="people"),
         ["宋佳怡", "邵志斌", "邵先生", "邵女士"]),
        (PipelineOptions(asr_options=AsrOptions(vocabulary_to="prompt")), call_vocabulary(contact).words()),
    ):
        pipeline = Pipeline(options)
        pipeline._asr = engine = Recorder()
        engine.options.clear()
        pipeline.hear(audio, contact)
        pipeline.hear(audio)  # no contact: the options as they are
        assert [o.hotwords for o in engine.options] == [expected, []]
