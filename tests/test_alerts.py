"""Alerts: the pack's alert policy, the message formats and signatures of every sink, the outbox
(one alert per finding, across restarts; bursts summarised) and delivery with retries, dead
letters and a real SMTP conversation.

The receivers are real servers on 127.0.0.1 (``http.server`` and a small SMTP server written
with ``socketserver``) and the outbox lives in SQLite and the real PostgreSQL server.
"""

from __future__ import annotations

import pytest

from audit.rules import PackError, load_pack

# -- the pack's alert policy ----------------------------------------------------------------------


def test_default_pack_alerts_on_critical_findings_and_keeps_its_version():
    pack = load_pack()
    assert pack.alerts.matches("critical", "ABUSE")
    assert not pack.alerts.matches("high", "ABUSE")
    assert pack.alerts.burst_per_minute == 10
    # the alert policy is no part of the version: the golden scan still pins the same pack
    import json
    from pathlib import Path

    golden = Path(__file__).parent / "rules" / "data" / "golden_scan.json"
    assert json.loads(golden.read_text(encoding="utf-8"))["pack_version"] == pack.version


def test_client_pack_sets_or_inherits_the_alert_policy(tmp_path):
    own = tmp_path / "own.yaml"
    own.write_text("name: own\nextends: default\nalerts:\n  severities: [critical, high]\n"
                   "  categories: [THREAT_VIOLENCE]\n  burst_per_minute: 3\n", encoding="utf-8")
    pack = load_pack(own)
    assert pack.alerts.matches("high", "ABUSE") and pack.alerts.matches("low", "THREAT_VIOLENCE")
    assert not pack.alerts.matches("medium", "ABUSE") and pack.alerts.burst_per_minute == 3
    assert pack.version == load_pack().version  # same rules, same parameters: nothing re-audited

    inherits = tmp_path / "inherits.yaml"
    inherits.write_text("name: child\nextends: own.yaml\n", encoding="utf-8")
    assert load_pack(inherits).alerts == pack.alerts


@pytest.mark.parametrize("section, words", [
    ("alerts:\n  severities: [urgent]\n", "field alerts.severities.0"),
    ("alerts:\n  categories: [SHOUTING]\n", "field alerts.categories.0"),
    ("alerts:\n  burst_per_minute: 0\n", "field alerts.burst_per_minute"),
    ("alerts:\n  sevrities: [critical]\n", "unknown field"),
])
def test_a_bad_alert_policy_names_the_field(tmp_path, section, words):
    path = tmp_path / "bad.yaml"
    path.write_text("name: bad\nextends: default\n" + section, encoding="utf-8")
    with pytest.raises(PackError, match=words) as info:
        load_pack(path)
    assert "bad.yaml" in str(info.value)


# -- helpers --------------------------------------------------------------------------------------

import base64  # noqa: E402
import hashlib  # noqa: E402
import hmac  # noqa: E402
import json  # noqa: E402
import time  # noqa: E402
from datetime import UTC, datetime, timedelta, timezone  # noqa: E402
from urllib.parse import parse_qs, urlsplit  # noqa: E402

from sqlalchemy import select  # noqa: E402

from audit import models  # noqa: E402
from audit.alerts import (  # noqa: E402
    Alert,
    Sink,
    SinkError,
    deep_link,
    delivery_error,
    email_sink,
    http_request,
    markdown,
    parse_webhook,
    recent_dead_letters,
    verify_signature,
)
from audit.schema import Contact, Finding, Segment, Transcript  # noqa: E402
from audit.storage import session as open_session  # noqa: E402
from audit.store import save_audit  # noqa: E402
from pipelines.alerts import AlertDispatcher, RetryPolicy, SmtpSender, enqueue_alerts, outbox_counts  # noqa: E402
from tests.receivers import SmtpReceiver  # noqa: E402

CST = timezone(timedelta(hours=8))
SECRET = "s3cret-for-tests"
DASH = "https://audit.example.cn"
PHONE = "13812345678"


def alert(n: int = 1, **changes) -> Alert:
    base = dict(id=f"f{n}", finding_id=n, call_id=f"c{n}", agent_id="A017", agent_name="李娜", team="一组",
                category="CASH_OR_CARD_REQUEST", severity="critical", rule_id="CASH-PRIVATE-ACCOUNT",
                title="要求转入个人账户", evidence="你直接用微信转给我个人 138****5678", start=13.76, end=18.67,
                started_at="2026-11-02T10:15:00+08:00", link=deep_link(DASH, f"c{n}", 13.76))
    base.update(changes)
    return Alert(**base)


def store_call(engine, call_id: str, findings: list[tuple[str, str, str, float | None]]) -> list[int]:
    """A stored audited contact with findings (rule_id, category, severity, start); their ids."""
    contact = Contact(call_id=call_id, kind="call", started_at=datetime(2026, 11, 2, 10, 15, tzinfo=CST),
                      talk_seconds=30, outcome="answered", agent_id="A017", agent_name="李娜", team="一组",
                      creditor="招商银行", product="credit_card", case_id="C-1", debtor_id="D-1")
    rows = [Finding(call_id=call_id, rule_id=rule, category=cat, severity=sev, speaker="agent", role="agent",
                    start=start, end=None if start is None else start + 4,
                    evidence=f"你把银行卡给我，我号码是{PHONE}", title="要求交出银行卡")
            for rule, cat, sev, start in findings]
    transcript = Transcript(call_id, 30.0, [Segment("agent", "agent", 0.0, 5.0, "您好")], metrics={})
    with open_session(engine) as session:
        save_audit(session, contact, transcript, rows, rule_pack_version="v1", audio_path=None,
                   audio_sha256=None, run_id=None)
        session.commit()
        return [f.id for f in session.exec(select(models.Finding).where(models.Finding.call_id == call_id)
                                           .order_by(models.Finding.id)).scalars()]


def enqueue(engine, call_ids, sinks, policy=None) -> int:
    with open_session(engine) as session:
        added = enqueue_alerts(session, call_ids, policy=policy or load_pack().alerts, sinks=sinks,
                               dashboard_url=DASH)
        session.commit()
    return added


def outbox(engine) -> list[models.AlertOutbox]:
    with open_session(engine) as session:
        return list(session.exec(select(models.AlertOutbox).order_by(models.AlertOutbox.id)).scalars())


@pytest.fixture
def smtp_server():
    server = SmtpReceiver()
    yield server
    server.close()


# -- sinks and message formats --------------------------------------------------------------------


@pytest.mark.parametrize("value, kind", [
    ("https://hooks.example.com/callaudit", "webhook"),
    ("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc", "wecom"),
    ("https://oapi.dingtalk.com/robot/send?access_token=abc", "dingtalk"),
    ("https://open.feishu.cn/open-apis/bot/v2/hook/abc", "feishu"),
    ("dingtalk=http://127.0.0.1:9/robot/send?access_token=abc", "dingtalk"),
    ("webhook=https://qyapi.weixin.qq.com/relay", "webhook"),
])
def test_webhook_kind_from_prefix_or_host(value, kind):
    sink = parse_webhook(value, {"dingtalk": "SECx", "webhook": SECRET})
    assert sink.kind == kind
    assert sink.key.startswith(kind + ":") and len(sink.key) <= 64
    assert "abc" not in sink.shown  # robot keys never reach logs or the dead-letter table
    assert sink.secret == {"dingtalk": "SECx", "webhook": SECRET}.get(kind)


@pytest.mark.parametrize("value", ["ftp://x/y", "hooks.example.com/x", "wecom=", "dingtalk=notaurl"])
def test_bad_webhook_is_refused_with_an_example(value):
    with pytest.raises(SinkError, match="http"):
        parse_webhook(value)


def test_email_sink_checks_addresses():
    assert email_sink(["b@example.com", "a@example.com", "a@example.com"]).target == "a@example.com,b@example.com"
    with pytest.raises(SinkError, match="not an e-mail address"):
        email_sink(["supervisor"])


def test_generic_webhook_is_signed_over_the_raw_body_with_its_time():
    now = 1_790_000_000.0
    req = http_request(Sink("webhook", "https://h.example/x", SECRET), [alert()], summary=False, now=now)
    body = json.loads(req.body)
    for key in ("call_id", "agent_id", "category", "severity", "rule_id", "evidence", "start", "end", "link"):
        assert key in body
    assert body["type"] == "finding" and body["id"] == "f1" and body["sent_at"] == int(now)
    expected = "sha256=" + hmac.new(SECRET.encode(), req.body, hashlib.sha256).hexdigest()
    assert req.headers["X-Callaudit-Signature"] == expected
    assert req.headers["X-Callaudit-Timestamp"] == str(int(now)) and req.headers["X-Callaudit-Delivery"] == "f1"
    assert verify_signature(SECRET, req.body, expected, now=now + 10)
    assert not verify_signature(SECRET, req.body, expected, now=now + 3600)  # a replay an hour later
    assert not verify_signature("other", req.body, expected, now=now)
    assert not verify_signature(SECRET, req.body.replace(b"critical", b"low"), expected, now=now)
    assert "X-Callaudit-Signature" not in http_request(Sink("webhook", "https://h.example/x"), [alert()],
                                                       summary=False).headers


def test_deep_link_opens_the_call_at_the_finding():
    assert deep_link("https://d.example/", "dev-003", 13.76) == "https://d.example/call_detail?call_id=dev-003&t=13"
    assert deep_link("https://d.example", "a b&c", None) == "https://d.example/call_detail?call_id=a+b%26c"


def test_wecom_markdown():
    req = http_request(Sink("wecom", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"), [alert()],
                       summary=False)
    body = json.loads(req.body)
    assert body["msgtype"] == "markdown"
    content = body["markdown"]["content"]
    assert "严重" in content and "索要现金/银行卡" in content and "CASH-PRIVATE-ACCOUNT" in content
    assert "00:13–00:18" in content and f"[打开通话]({DASH}/call_detail?call_id=c1&t=13)" in content
    assert req.url.endswith("key=k")


def test_dingtalk_markdown_and_signature():
    now = 1_790_000_000.123
    req = http_request(Sink("dingtalk", "https://oapi.dingtalk.com/robot/send?access_token=t", "SECabc"),
                       [alert()], summary=False, now=now)
    body = json.loads(req.body)
    assert body["msgtype"] == "markdown" and body["markdown"]["title"].startswith("【合规告警】")
    query = parse_qs(urlsplit(req.url).query)
    ms = int(now * 1000)
    assert query["access_token"] == ["t"] and query["timestamp"] == [str(ms)]
    digest = hmac.new(b"SECabc", f"{ms}\nSECabc".encode(), hashlib.sha256).digest()
    assert query["sign"] == [base64.b64encode(digest).decode()]  # parse_qs undoes the URL quoting
    unsigned = http_request(Sink("dingtalk", "https://oapi.dingtalk.com/robot/send?access_token=t"), [alert()],
                            summary=False)
    assert "sign=" not in unsigned.url


def test_feishu_post_and_signature():
    now = 1_790_000_000.0
    req = http_request(Sink("feishu", "https://open.feishu.cn/open-apis/bot/v2/hook/x", "fsecret"), [alert()],
                       summary=False, now=now)
    body = json.loads(req.body)
    assert body["msg_type"] == "post" and body["timestamp"] == str(int(now))
    digest = hmac.new(f"{int(now)}\nfsecret".encode(), b"", hashlib.sha256).digest()
    assert body["sign"] == base64.b64encode(digest).decode()
    post = body["content"]["post"]["zh_cn"]
    tags = [item for line in post["content"] for item in line]
    assert {"tag": "a", "text": "打开通话", "href": alert().link} in tags
    assert "sign" not in json.loads(http_request(Sink("feishu", "https://open.feishu.cn/x"), [alert()],
                                                 summary=False).body)


def test_summary_lists_the_first_alerts_and_counts_the_rest():
    many = [alert(n) for n in range(1, 60)]
    text = markdown(many, summary=True)
    assert "59 条告警" in text and "…另有 39 条" in text and len(text.encode()) <= 4000
    req = http_request(Sink("webhook", "https://h.example/x", SECRET), many, summary=True)
    body = json.loads(req.body)
    assert body["type"] == "summary" and body["count"] == 59 and len(body["alerts"]) == 59


@pytest.mark.parametrize("kind, status, body, error", [
    ("webhook", 200, b"", None),
    ("webhook", 500, b"boom", "HTTP 500: boom"),
    ("wecom", 200, b'{"errcode":0,"errmsg":"ok"}', None),
    ("wecom", 200, b'{"errcode":45009,"errmsg":"api freq out of limit"}', "code 45009 api freq out of limit"),
    ("dingtalk", 200, b'{"errcode":310000,"errmsg":"sign not match"}', "code 310000 sign not match"),
    ("feishu", 200, b'{"code":0,"msg":"success"}', None),
    ("feishu", 200, b'{"code":19021,"msg":"sign match fail"}', "code 19021 sign match fail"),
])
def test_robot_answers_that_mean_not_delivered(kind, status, body, error):
    got = delivery_error(kind, status, body)
    assert (got is None) if error is None else (error in got)


# -- the outbox -----------------------------------------------------------------------------------


def test_one_outbox_row_per_alerting_finding_and_sink_however_often_enqueued(engine):
    ids = store_call(engine, "c1", [("CASH-CARD-HANDOVER", "CASH_OR_CARD_REQUEST", "critical", 22.8),
                                    ("ABUSE-INSULT", "ABUSE", "high", 3.0),
                                    ("THREAT-HARM", "THREAT_VIOLENCE", "critical", None)])
    sinks = [Sink("webhook", "https://a.example/x"), Sink("wecom", "https://qyapi.weixin.qq.com/k")]
    assert enqueue(engine, ["c1"], sinks) == 4  # 2 critical findings x 2 sinks; the high one does not alert
    assert enqueue(engine, ["c1"], sinks) == 0  # a second enqueue (re-audit, restart, other watcher)
    rows = outbox(engine)
    assert sorted((r.finding_id, r.sink) for r in rows) == sorted(
        (fid, s.key) for fid in (ids[0], ids[2]) for s in sinks)
    payload = rows[0].payload
    assert payload["evidence"] == "你把银行卡给我，我号码是138****5678"  # masked
    assert payload["agent_name"] == "李娜" and payload["started_at"] == "2026-11-02T10:15:00+08:00"
    assert payload["link"] == f"{DASH}/call_detail?call_id=c1&t=22"
    # the pack's categories alert whatever their severity
    from audit.rules.model import Alerts

    assert enqueue(engine, ["c1"], sinks, Alerts(severities=[], categories=["ABUSE"])) == 2


def test_dismissed_findings_never_alert(engine):
    store_call(engine, "c1", [("CASH-CARD-HANDOVER", "CASH_OR_CARD_REQUEST", "critical", 1.0)])
    with open_session(engine) as session:
        finding = session.exec(select(models.Finding)).scalars().one()
        finding.review_status = "dismissed"
        session.commit()
    assert enqueue(engine, ["c1"], [Sink("webhook", "https://a.example/x")]) == 0


# -- delivery -------------------------------------------------------------------------------------


def test_delivered_once_and_never_again_after_a_restart(engine, receiver):
    store_call(engine, "c1", [("CASH-CARD-HANDOVER", "CASH_OR_CARD_REQUEST", "critical", 1.0)])
    sink = Sink("webhook", receiver.url + "/hook", SECRET)
    enqueue(engine, ["c1"], [sink])
    assert AlertDispatcher(engine, [sink]).drain(10)
    got = receiver.wait_for(1)
    assert len(got) == 1 and got[0].path == "/hook"
    assert verify_signature(SECRET, got[0].body, got[0].headers["X-Callaudit-Signature"])
    assert got[0].json()["call_id"] == "c1"
    # a new process (restart) finds nothing to send, even when the contact is enqueued again
    enqueue(engine, ["c1"], [sink])
    again = AlertDispatcher(engine, [sink])
    assert again.run_once() == 0 and again.drain(1)
    time.sleep(0.2)
    assert len(receiver.received) == 1
    assert [(r.status, r.attempts) for r in outbox(engine)] == [("sent", 1)]


@pytest.mark.parametrize("failure", ["http_500", "timeout"])
def test_failing_webhook_is_retried_then_dead_lettered(engine, receiver, failure):
    store_call(engine, "c1", [("CASH-CARD-HANDOVER", "CASH_OR_CARD_REQUEST", "critical", 1.0)])
    if failure == "http_500":
        receiver.status, receiver.body = 500, b"internal error"
    else:
        receiver.delay_s = 1.0
    sink = Sink("webhook", receiver.url + "/hook?token=secret-token", SECRET)
    enqueue(engine, ["c1"], [sink])
    from pipelines.alerts import HttpSender

    retry = RetryPolicy(attempts=3, base_s=0.2)
    dispatcher = AlertDispatcher(engine, [sink], retry=retry, http=HttpSender(timeout_s=0.3))
    started = time.monotonic()
    assert dispatcher.drain(20, poll_s=0.05)  # nothing pending any more: it is dead
    assert time.monotonic() - started >= 0.2 + 0.4  # the backoff was waited (0.2 s, then 0.4 s)
    assert len(receiver.wait_for(3)) == 3  # tried three times, no more
    [row] = outbox(engine)
    assert (row.status, row.attempts) == ("dead", 3)
    with open_session(engine) as session:
        [dead] = recent_dead_letters(session)
    assert dead.outbox_id == row.id and dead.call_id == "c1" and dead.attempts == 3
    assert ("HTTP 500" in dead.error) if failure == "http_500" else ("timed out" in dead.error)
    assert "secret-token" not in dead.target and dead.target.endswith("/hook?token=***")
    assert dead.payload["rule_id"] == "CASH-CARD-HANDOVER"
    assert outbox_counts(engine).dead == 1


def test_a_webhook_that_recovers_gets_the_alert_once(engine, receiver):
    store_call(engine, "c1", [("CASH-CARD-HANDOVER", "CASH_OR_CARD_REQUEST", "critical", 1.0)])
    receiver.status = 503
    sink = Sink("webhook", receiver.url, SECRET)
    enqueue(engine, ["c1"], [sink])
    dispatcher = AlertDispatcher(engine, [sink], retry=RetryPolicy(attempts=5, base_s=0.2))
    dispatcher.run_once()
    receiver.status = 200
    assert dispatcher.drain(10, poll_s=0.05)
    assert [r.status for r in outbox(engine)] == ["sent"] and len(receiver.received) == 2
    assert len({r.headers["X-Callaudit-Delivery"] for r in receiver.received}) == 1  # same id: dedupable


def test_a_burst_is_summarised_in_one_message_per_sink(engine, receiver):
    findings = [(f"R{n}", "CASH_OR_CARD_REQUEST", "critical", float(n)) for n in range(12)]
    store_call(engine, "c1", findings)
    sink = Sink("webhook", receiver.url, SECRET)
    enqueue(engine, ["c1"], [sink])
    from audit.rules.model import Alerts

    dispatcher = AlertDispatcher(engine, [sink], policy=Alerts(burst_per_minute=10))
    assert dispatcher.drain(10)
    [message] = receiver.wait_for(1)
    body = message.json()
    assert body["type"] == "summary" and body["count"] == 12
    assert all(r.status == "sent" and r.summarised for r in outbox(engine))
    # more alerts within the same minute wait for the next summary instead of a second message now
    store_call(engine, "c2", findings[:3])
    enqueue(engine, ["c2"], [sink])
    assert dispatcher.run_once() == 0 and len(receiver.received) == 1
    assert all(r.next_attempt_at > datetime.now(UTC) + timedelta(seconds=30)
               for r in outbox(engine) if r.call_id == "c2")


def test_few_alerts_go_one_by_one(engine, receiver):
    store_call(engine, "c1", [(f"R{n}", "CASH_OR_CARD_REQUEST", "critical", float(n)) for n in range(3)])
    sink = Sink("dingtalk", receiver.url + "/robot/send?access_token=t", "SECabc")
    receiver.body = b'{"errcode":0,"errmsg":"ok"}'
    enqueue(engine, ["c1"], [sink])
    assert AlertDispatcher(engine, [sink]).drain(10)
    got = receiver.wait_for(3)
    assert len(got) == 3 and all(r.json()["msgtype"] == "markdown" for r in got)
    assert all("sign=" in r.path and "timestamp=" in r.path for r in got)


def test_robot_refusal_is_a_failed_delivery(engine, receiver):
    store_call(engine, "c1", [("R1", "CASH_OR_CARD_REQUEST", "critical", 1.0)])
    receiver.body = b'{"errcode":310000,"errmsg":"sign not match"}'
    sink = Sink("dingtalk", receiver.url + "/robot/send?access_token=t", "SECwrong")
    enqueue(engine, ["c1"], [sink])
    assert AlertDispatcher(engine, [sink], retry=RetryPolicy(attempts=1)).drain(10)
    with open_session(engine) as session:
        [dead] = recent_dead_letters(session)
    assert "sign not match" in dead.error


def test_email_arrives_at_the_smtp_server(engine, smtp_server):
    store_call(engine, "c1", [("CASH-CARD-HANDOVER", "CASH_OR_CARD_REQUEST", "critical", 22.8)])
    sink = email_sink(["zhang.supervisor@example.cn", "qa@example.cn"])
    enqueue(engine, ["c1"], [sink])
    smtp = SmtpSender.parse(smtp_server.address, sender="callaudit@example.cn")
    assert AlertDispatcher(engine, [sink], smtp=smtp).drain(10)
    [(sender, recipients, msg)] = smtp_server.wait_for(1)
    assert sender == "callaudit@example.cn"
    assert sorted(recipients) == ["qa@example.cn", "zhang.supervisor@example.cn"]
    assert msg["Subject"].startswith("【合规告警】严重·索要现金/银行卡 c1")
    text = msg.get_content()
    assert "CASH-CARD-HANDOVER" in text and "138****5678" in text and PHONE not in text
    assert f"{DASH}/call_detail?call_id=c1&t=22" in text
    assert [r.status for r in outbox(engine)] == ["sent"]


def test_smtp_server_down_ends_in_the_dead_letter_table(engine):
    store_call(engine, "c1", [("CASH-CARD-HANDOVER", "CASH_OR_CARD_REQUEST", "critical", 1.0)])
    sink = email_sink(["qa@example.cn"])
    enqueue(engine, ["c1"], [sink])
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    smtp = SmtpSender.parse(f"127.0.0.1:{port}", timeout_s=2)
    assert AlertDispatcher(engine, [sink], smtp=smtp, retry=RetryPolicy(attempts=2, base_s=0.1)).drain(10)
    with open_session(engine) as session:
        [dead] = recent_dead_letters(session)
    assert dead.sink == sink.key and dead.target == "qa@example.cn" and "smtp 127.0.0.1" in dead.error


def test_two_dispatchers_never_send_the_same_alert(engine, receiver):
    store_call(engine, "c1", [(f"R{n}", "CASH_OR_CARD_REQUEST", "critical", float(n)) for n in range(8)])
    sink = Sink("webhook", receiver.url, SECRET)
    enqueue(engine, ["c1"], [sink])
    receiver.delay_s = 0.05
    import threading

    from audit.rules.model import Alerts

    dispatchers = [AlertDispatcher(engine, [sink], policy=Alerts(burst_per_minute=100)) for _ in range(2)]
    threads = [threading.Thread(target=d.drain, args=(20,)) for d in dispatchers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    ids = [r.headers["X-Callaudit-Delivery"] for r in receiver.wait_for(8)]
    time.sleep(0.2)
    assert len(receiver.received) == 8 and len(set(ids)) == 8
