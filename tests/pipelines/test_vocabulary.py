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
    assert vocabulary.agency == ["交通银行信用卡中心", CARD_CENTRE]  # the bank is the creditor's word
    assert vocabulary.people == ["刘志远", "陈明"]
    assert "信用卡" in vocabulary.product
    assert vocabulary.words()[:2] == ["交通银行", "交行"]
    assert set(vocabulary.names()) == {"creditor", "agency", "people"}
