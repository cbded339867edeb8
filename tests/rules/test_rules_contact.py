"""Required statements, per-contact metadata rules and rules across the call log."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from tests.rules.conftest import CST, contact, seg


def cats(pack, c, segments=(), metrics=None) -> set[str]:
    return {f.category for f in pack.scan_contact(c, list(segments), metrics)}


@pytest.mark.parametrize("text,identified", [
    ("您好，我是招商银行信用卡中心的工作人员，工号三七二一。", True),
    ("我是受速借花委托的鼎信公司的工作人员", True),
    ("您好，这里是鼎信公司，受速借花委托联系您", True),
    ("我这边是招商银行的", True),                      # the manifest's creditor, first person
    ("我们是平安普惠的催收专员", True),                # an institution not in the manifest
    ("银行派我来的，你的卡逾期二十天了", False),       # "a bank": no institution named
    ("你别管我是谁，赶紧还钱", False),
    ("您在招商银行的信用卡逾期了", False),             # names the creditor, not the caller
    ("喂，是王先生吗？招商银行的，您的卡逾期了", True),  # "(我是)招商银行的": subject left out
    ("招商银行的信用卡逾期了", False),                 # names the card, not the caller
    ("喂，是王先生吗？招商银行闻。您的卡逾期了", True),  # 的 misheard: the name alone as a clause
    ("是招商银行的吗？", False),
    ("我是他的同事", False),
])
def test_identification(pack, text, identified):
    found = "MISSING_IDENTIFICATION" in cats(pack, contact(), [seg(text)])
    assert found is not identified


@pytest.mark.parametrize("text,identified", [
    ("您好，我们试试诚汇资产的，今天上门拜访", True),   # 是 misheard; 诚汇资产管理有限公司 said short
    ("我们是安信达的，您的借款逾期了", True),           # 安信达商务咨询有限公司
    ("你们诚汇资产的人又来了", False),                  # no first person: not a self-introduction
])
def test_identification_by_the_agency_short_name(pack, text, identified):
    c = contact(agency="诚汇资产管理有限公司" if "诚汇" in text else "安信达商务咨询有限公司", creditor="广发银行")
    assert ("MISSING_IDENTIFICATION" in cats(pack, c, [seg(text)])) is not identified


@pytest.mark.parametrize("creditor,agency,text,identified", [
    # the log's registered names, said the way people say them (audit.names.short_forms)
    ("中国民生银行股份有限公司", "中国民生银行信用卡中心", "您好，我们是民生信用卡中心的", True),
    ("中国民生银行股份有限公司", "中国民生银行信用卡中心", "我这边是民生的，找一下刘先生", True),
    ("交通银行股份有限公司", "上海瑞恒资产管理有限公司", "我是交行委托的瑞恒资产的工作人员", True),
    ("交通银行股份有限公司", "上海瑞恒资产管理有限公司", "我们瑞恒公司这边想跟您核实一下", True),
    ("重庆市易佳网络小额贷款有限公司", "成都顺达商务服务有限公司", "我是易佳小贷的，您的借款逾期了", True),
    ("交通银行股份有限公司", "上海瑞恒资产管理有限公司", "你在交行的卡逾期了", False),   # not the caller
    # 受 misheard (秀), the log's creditor and 委托 heard: the call says who commissioned it
    ("中国光大银行股份有限公司", "苏州瑞岚资产管理有限公司", "打扰您了，秀光大银行委托跟您沟通一下", True),
    # an agency's name misheard as a common word, its line of business heard: "我是X资产的"
    ("中国光大银行股份有限公司", "苏州瑞岚资产管理有限公司", "我是越南资产的魏丽娜", True),
    ("中国光大银行股份有限公司", "苏州瑞岚资产管理有限公司", "你们这些资产公司的人", False),
])
def test_identification_by_registered_names_said_short(pack, creditor, agency, text, identified):
    c = contact(agency=agency, creditor=creditor)
    assert ("MISSING_IDENTIFICATION" in cats(pack, c, [seg(text)])) is not identified


def test_identification_only_counts_the_collector(pack):
    segments = [seg("你是招商银行的吧？", role="debtor"), seg("你的钱什么时候还？")]
    assert "MISSING_IDENTIFICATION" in cats(pack, contact(), segments)


def test_no_statement_rule_without_speech(pack):
    attempt = contact(audio_file=None, outcome="no_answer", talk_seconds=0)
    assert cats(pack, attempt, []) == set()


VISIT_OK = ["您好，我们是招商银行信用卡中心的外访人员，这是我的工作证。",
            "这是借款合同和欠款账单，这是催款通知书。"]


@pytest.mark.parametrize("lines,contact_role,expected", [
    (VISIT_OK, "debtor", False),
    (["我们是招商银行信用卡中心的外访人员", "这是借款合同和账单"], "debtor", True),     # no card shown
    (["我们是招商银行信用卡中心的外访人员，这是我的工作证"], "debtor", True),          # no documents
    (["我们是招商银行信用卡中心的外访人员，这是我的工作证"], "relative", False),       # debtor absent
    (["我们是招商银行信用卡中心的外访人员，我没带工作证", "这是合同"], "debtor", True),  # negated
])
def test_visit_procedure(pack, lines, contact_role, expected):
    c = contact(kind="visit", visit_staff=2, contact_role=contact_role)
    assert ("VISIT_PROCEDURE" in cats(pack, c, [seg(t) for t in lines])) is expected


@pytest.mark.parametrize("hour,minute,talk,expected", [
    (10, 15, 45, False),
    (22, 40, 24, True),
    (7, 30, 60, True),
    (21, 58, 300, True),    # starts before 22:00 but runs into the quiet window
    (21, 50, 60, False),
    (8, 0, 60, False),
    (23, 30, 0, True),      # an unanswered attempt at night is still a contact attempt
])
def test_contact_hours(pack, hour, minute, talk, expected):
    c = contact(started_at=datetime(2026, 11, 4, hour, minute, tzinfo=CST), talk_seconds=talk,
                audio_file=None if talk == 0 else "a.wav")
    assert ("CONTACT_HOURS" in cats(pack, c)) is expected


@pytest.mark.parametrize("dpd,expected", [(20, True), (30, True), (31, False), (None, False)])
def test_visit_eligibility(pack, dpd, expected):
    c = contact(kind="visit", visit_staff=2, days_past_due=dpd)
    assert ("VISIT_ELIGIBILITY" in cats(pack, c)) is expected


@pytest.mark.parametrize("staff,voices,rules", [
    (2, 2, set()),
    (1, None, {"VISIT-2STAFF"}),
    (1, 1, {"VISIT-2STAFF"}),
    (2, 1, {"VISIT-2STAFF-VOICES"}),   # manifest says two, only one collector heard
    (None, 1, {"VISIT-2STAFF"}),
])
def test_visit_staffing(pack, staff, voices, rules):
    c = contact(kind="visit", visit_staff=staff)
    metrics = {} if voices is None else {"agent_voices": voices}
    found = {f.rule_id for f in pack.scan_contact(c, [], metrics) if f.category == "VISIT_STAFFING"}
    assert found == rules
    severities = {f.rule_id: f.severity for f in pack.scan_contact(c, [], metrics)}
    if "VISIT-2STAFF-VOICES" in severities:
        assert severities["VISIT-2STAFF-VOICES"] == "low"


@pytest.mark.parametrize("talk,duration,has_audio,expected", [
    (185, 45.0, True, True),
    (45, 45.3, True, False),
    (30, 18.0, True, True),     # 60 %, 12 s missing
    (12, 5.0, True, False),     # < 70 % but only 7 s missing
    (45, None, True, False),    # no duration measured: nothing to compare
    (60, None, False, True),    # answered for a minute, no recording at all
    (0, None, False, False),    # unanswered attempt
])
def test_recording_integrity(pack, talk, duration, has_audio, expected):
    c = contact(talk_seconds=talk, audio_file="a.wav" if has_audio else None)
    metrics = {} if duration is None else {"duration_s": duration}
    assert ("RECORDING_INTEGRITY" in cats(pack, c, [], metrics)) is expected


def _attempts(n, *, debtor="D-9", product="online_loan", outcome="no_answer", day=8, start_hour=9):
    base = datetime(2026, 11, day, start_hour, 0, tzinfo=CST)
    return [contact(call_id=f"{debtor}-{day}-{i}", started_at=base + timedelta(minutes=50 * i),
                    outcome=outcome, talk_seconds=0 if outcome == "no_answer" else 30,
                    audio_file=None if outcome == "no_answer" else "a.wav",
                    debtor_id=debtor, product=product) for i in range(n)]


def test_attempts_per_day_flags_the_contacts_beyond_the_limit(pack):
    log = _attempts(8)
    flagged = [f.call_id for f in pack.scan_log(log) if f.rule_id == "FREQ-ATTEMPT"]
    assert flagged == [log[6].call_id, log[7].call_id]


def test_attempts_counted_per_debtor_and_day(pack):
    log = _attempts(4, day=8) + _attempts(4, day=9) + _attempts(4, debtor="D-10", day=8)
    assert [f for f in pack.scan_log(log) if f.rule_id == "FREQ-ATTEMPT"] == []


@pytest.mark.parametrize("product,expected", [("online_loan", 1), ("credit_card", 0)])
def test_connected_calls_per_day(pack, product, expected):
    log = _attempts(4, product=product, outcome="answered")
    found = [f for f in pack.scan_log(log) if f.rule_id == "FREQ-CONNECT"]
    assert len(found) == expected
    if expected:
        assert found[0].call_id == log[3].call_id and found[0].details["limit"] == 3


def test_client_pack_overrides_thresholds(tmp_path):
    from audit.rules import load_pack

    path = tmp_path / "client.yaml"
    path.write_text("name: client\nextends: default\nparameters:\n  max_attempts_per_day: 3\n"
                    "  quiet_start: '21:00'\ndisable: [FREQ-CONNECT]\n", encoding="utf-8")
    client = load_pack(path)
    assert client.version != __import__("audit.rules", fromlist=["x"]).load_pack().version
    assert "FREQ-CONNECT" not in {r.id for r in client.rules}
    log = _attempts(4)
    assert [f.call_id for f in client.scan_log(log)] == [log[3].call_id]
    evening = contact(started_at=datetime(2026, 11, 4, 21, 30, tzinfo=CST))
    assert "CONTACT_HOURS" in cats(client, evening)


@pytest.mark.parametrize("duration,speech,expected", [
    (3600.0, 0.0, True),    # an hour of silence uploaded as the call: no finding before
    (3600.0, 120.0, True),  # 3 % speech
    (120.0, 40.0, False),   # an ordinary call
    (8.0, 0.0, False),      # too short to judge
])
def test_a_silent_recording_is_a_recording_integrity_finding(pack, duration, speech, expected):
    c = contact(talk_seconds=duration, audio_file="a.wav")
    found = [f for f in pack.scan_contact(c, [], {"duration_s": duration, "speech_s": speech})
             if f.category == "RECORDING_INTEGRITY"]
    assert bool(found) is expected
    if expected:
        assert "speech" in found[0].evidence
