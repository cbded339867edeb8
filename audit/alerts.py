"""Alerts to supervisors: what an alert says and how each sink wants it written and signed.

This module only builds messages: an :class:`Alert` from a stored finding, the HTTP request of
each webhook kind (generic JSON signed with HMAC-SHA256, the group robots of WeCom 企业微信,
DingTalk 钉钉 and Feishu 飞书) and the e-mail. Sending, retries and the outbox live in
:mod:`pipelines.alerts`.

Sinks:

* ``webhook`` — any HTTPS endpoint. The body is JSON; ``X-Callaudit-Signature: sha256=<hex>`` is
  the HMAC-SHA256 of the raw body under the shared secret, ``X-Callaudit-Timestamp`` the Unix
  time of sending (also in the body as ``sent_at``, so the signature covers it: a receiver
  rejects stale or replayed deliveries), ``X-Callaudit-Delivery`` the alert id (the same on every
  retry: a receiver dedupes on it). :func:`verify_signature` is the receiver's check.
* ``wecom`` — 企业微信群机器人, ``msgtype: markdown`` (the key in the URL is the credential).
* ``dingtalk`` — 钉钉自定义机器人, ``msgtype: markdown``; with a 加签 secret the URL gets
  ``timestamp`` (ms) and ``sign`` = Base64(HMAC-SHA256(secret, "timestamp\\nsecret")).
* ``feishu`` — 飞书自定义机器人, ``msg_type: post``; with a 签名校验 secret the body gets
  ``timestamp`` (s) and ``sign`` = Base64(HMAC-SHA256 keyed by "timestamp\\nsecret" over nothing).
* ``email`` — a plain-text e-mail to a list of recipients.

Evidence is masked with :func:`audit.masking.mask_pii`: alerts go to chat groups and mailboxes,
where personal numbers have no business.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, timedelta, timezone
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any
from urllib.parse import parse_qsl, quote_plus, urlencode, urlsplit, urlunsplit

from audit.exports.columns import CATEGORY_LABELS, SEVERITY_LABELS
from audit.masking import mask_pii

SIGNATURE_HEADER = "X-Callaudit-Signature"
TIMESTAMP_HEADER = "X-Callaudit-Timestamp"
DELIVERY_HEADER = "X-Callaudit-Delivery"
EVENT_HEADER = "X-Callaudit-Event"
WEBHOOK_KINDS = ("webhook", "wecom", "dingtalk", "feishu")
SINK_KINDS = (*WEBHOOK_KINDS, "email")
# Hosts of the group robots, to recognise a pasted robot URL without a KIND= prefix.
ROBOT_HOSTS = {"qyapi.weixin.qq.com": "wecom", "oapi.dingtalk.com": "dingtalk", "open.feishu.cn": "feishu",
               "open.larksuite.com": "feishu"}
# A summary lists this many alerts; the rest are counted (the dashboard has them all).
SUMMARY_LINES = 20
# WeCom rejects markdown content over 4096 bytes; the other robots allow more.
MAX_MARKDOWN_BYTES = 4000
EVIDENCE_CHARS = 200


@dataclass(frozen=True)
class Alert:
    """One finding, as supervisors are told about it.

    ``id`` is stable (``f<finding id>``): the same on every retry, restart and sink, so a
    receiver can drop a delivery it has seen.
    """

    id: str
    finding_id: int
    call_id: str
    agent_id: str
    agent_name: str
    team: str
    category: str
    severity: str
    rule_id: str
    title: str
    evidence: str
    start: float | None
    end: float | None
    started_at: str  # the contact's start, ISO 8601 with the debtor's UTC offset
    link: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Alert:
        fields: dict[str, Any] = {k: data.get(k) for k in cls.__dataclass_fields__}
        return cls(**fields)


def deep_link(dashboard_url: str, call_id: str, start: float | None) -> str:
    """``<dashboard>/call_detail?call_id=X&t=SECONDS``: the call, its player at the finding."""
    query = {"call_id": call_id}
    if start is not None:
        query["t"] = str(int(start))
    return f"{dashboard_url.rstrip('/')}/call_detail?{urlencode(query)}"


def alert_for(finding, contact, dashboard_url: str) -> Alert:
    """The alert of a stored finding (``audit.models.Finding``) of ``contact`` (``models.Contact``)."""
    meta = contact.meta or {}
    started = contact.started_at
    if started is not None:
        if started.tzinfo is None:  # a database that keeps naive UTC
            started = started.replace(tzinfo=UTC)
        started = started.astimezone(timezone(timedelta(seconds=meta.get("utc_offset_s", 0))))
    evidence = mask_pii(finding.evidence or "")
    if len(evidence) > EVIDENCE_CHARS:
        evidence = evidence[:EVIDENCE_CHARS - 1] + "…"
    return Alert(id=f"f{finding.id}", finding_id=finding.id, call_id=finding.call_id, agent_id=contact.agent_id,
                 agent_name=meta.get("agent_name", ""), team=contact.team or "", category=finding.category,
                 severity=finding.severity, rule_id=finding.rule_id, title=mask_pii(finding.title or ""),
                 evidence=evidence, start=finding.start, end=finding.end,
                 started_at=started.isoformat() if started is not None else "",
                 link=deep_link(dashboard_url, finding.call_id, finding.start))


# -- sinks ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sink:
    """Where alerts go: a webhook of one kind, or e-mail recipients.

    ``key`` names the sink in the outbox (kind and a hash of the target: stable across
    restarts, never the secret-bearing URL itself); ``shown`` is the target with credentials
    removed, for logs and the dead-letter table.
    """

    kind: str
    target: str  # URL, or comma-separated e-mail addresses
    secret: str | None = field(default=None, repr=False)

    @property
    def key(self) -> str:
        return f"{self.kind}:{hashlib.sha256(self.target.encode('utf-8')).hexdigest()[:16]}"

    @property
    def shown(self) -> str:
        if self.kind == "email":
            return self.target
        return redact_url(self.target, last_segment=self.kind == "feishu")


def redact_url(url: str, last_segment: bool = False) -> str:
    """The URL without its credentials: user info, query values (WeCom and DingTalk carry their
    key there), path segments that look like tokens (16+ characters), and with ``last_segment``
    the last path segment (Feishu's hook id)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host += f":{parts.port}"
    query = "&".join(f"{k}=***" for k, _ in parse_qsl(parts.query, keep_blank_values=True))
    segments = parts.path.split("/")
    segments = ["***" if len(seg) >= 16 else seg for seg in segments]
    if last_segment and len(segments) > 1 and segments[-1]:
        segments[-1] = "***"
    return urlunsplit((parts.scheme, host, "/".join(segments), query, ""))


class SinkError(ValueError):
    """A sink given on the command line cannot be used; the message says what to write."""


def parse_webhook(value: str, secrets: dict[str, str | None] | None = None) -> Sink:
    """A ``--alert-webhook`` value: ``URL`` or ``KIND=URL`` (KIND one of :data:`WEBHOOK_KINDS`).

    Without a prefix the kind follows from the host (``qyapi.weixin.qq.com`` is WeCom,
    ``oapi.dingtalk.com`` DingTalk, ``open.feishu.cn`` Feishu), anything else is a generic
    webhook. ``secrets`` maps a kind to its signing secret.
    """
    kind, sep, rest = value.partition("=")
    if sep and kind in WEBHOOK_KINDS:
        url = rest
    else:
        url, kind = value, ""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SinkError(f"--alert-webhook {redact_url(url)!r} is not an http(s) URL; write e.g. "
                        "https://hooks.example.com/callaudit or dingtalk=https://oapi.dingtalk.com/robot/send?"
                        "access_token=...")
    kind = kind or ROBOT_HOSTS.get(parts.hostname, "webhook")
    return Sink(kind, url, (secrets or {}).get(kind) or None)


def email_sink(recipients: list[str]) -> Sink:
    """One e-mail sink for all ``--alert-email`` recipients (one message to all of them)."""
    cleaned = sorted({r.strip() for r in recipients if r.strip()})
    for address in cleaned:
        local, at, domain = address.partition("@")
        if not (local and at and "." in domain) or any(c in address for c in " ,;<>\r\n"):
            raise SinkError(f"--alert-email {address!r} is not an e-mail address (name@example.com)")
    return Sink("email", ",".join(cleaned))


# -- message text ------------------------------------------------------------------------------------


def _clock(seconds: float | None) -> str:
    if seconds is None:
        return "整通"
    m, s = divmod(int(seconds), 60)
    return f"{m:02d}:{s:02d}"


def _span(alert: Alert) -> str:
    if alert.start is None:
        return "整通（联系层面）"
    return f"{_clock(alert.start)}–{_clock(alert.end if alert.end is not None else alert.start)}"


def _labels(alert: Alert) -> tuple[str, str]:
    return SEVERITY_LABELS.get(alert.severity, alert.severity), CATEGORY_LABELS.get(alert.category, alert.category)


def _agent(alert: Alert) -> str:
    return f"{alert.agent_name} ({alert.agent_id})" if alert.agent_name else alert.agent_id


def _md(text: str) -> str:
    """Text safe inside robot markdown (no accidental emphasis, links or headings)."""
    for ch in "\\`*_[]#>":
        text = text.replace(ch, " ")
    return " ".join(text.split())


def subject(alerts: list[Alert], summary: bool) -> str:
    """One line: what happened (used as e-mail subject and robot title)."""
    if summary:
        critical = sum(a.severity == "critical" for a in alerts)
        return f"【合规告警】{len(alerts)} 条告警（严重 {critical} 条）"
    a = alerts[0]
    severity, category = _labels(a)
    return f"【合规告警】{severity}·{category} {a.call_id} {a.agent_name or a.agent_id}"


def markdown(alerts: list[Alert], summary: bool, max_bytes: int = MAX_MARKDOWN_BYTES) -> str:
    """The robot markdown of one alert, or of a burst summary (fits ``max_bytes`` in UTF-8)."""
    if not summary:
        a = alerts[0]
        severity, category = _labels(a)
        lines = [f"**{subject(alerts, False)}**",
                 f"> 级别：{severity}　类别：{category}（{a.category}）",
                 f"> 通话：{_md(a.call_id)}　坐席：{_md(_agent(a))}" + (f"　组：{_md(a.team)}" if a.team else ""),
                 f"> 规则：{_md(a.rule_id)} {_md(a.title)}",
                 f"> 位置：{_span(a)}",
                 f"> 原话：{_md(a.evidence) or '（无）'}",
                 f"[打开通话]({a.link})"]
        return _fit("\n".join(lines), max_bytes)
    head = f"**{subject(alerts, True)}**\n1 分钟内告警过多，合并为一条："
    lines = []
    for a in alerts[:SUMMARY_LINES]:
        severity, category = _labels(a)
        lines.append(f"- {severity}·{category} {_md(a.call_id)} {_md(_agent(a))} [{_span(a)}]({a.link})")
    more = len(alerts) - len(lines)
    tail = f"\n…另有 {more} 条，请在仪表盘查看" if more else ""
    text = head + "\n" + "\n".join(lines) + tail
    while len(text.encode("utf-8")) > max_bytes and lines:
        lines.pop()
        more += 1
        text = head + "\n" + "\n".join(lines) + f"\n…另有 {more} 条，请在仪表盘查看"
    return text


def _fit(text: str, max_bytes: int) -> str:
    data = text.encode("utf-8")
    if len(data) <= max_bytes:
        return text
    return data[:max_bytes - 3].decode("utf-8", errors="ignore") + "…"


def plain_text(alerts: list[Alert], summary: bool) -> str:
    """The e-mail body."""
    blocks = []
    for a in alerts:
        severity, category = _labels(a)
        blocks.append("\n".join([
            f"{severity} · {category} ({a.category}) · {a.rule_id} {a.title}".rstrip(),
            f"通话 {a.call_id}（{a.started_at}）坐席 {_agent(a)}" + (f" 组 {a.team}" if a.team else ""),
            f"位置 {_span(a)}",
            f"原话：{a.evidence or '（无）'}",
            f"打开通话：{a.link}",
        ]))
    intro = (f"1 分钟内告警过多，{len(alerts)} 条合并为一封邮件。\n\n" if summary else "")
    return intro + "\n\n".join(blocks) + "\n\n—— callaudit 合规质检自动告警，请勿直接回复。\n"


# -- requests ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HttpRequest:
    """A POST to send: the URL (with any signature query), the raw body and the headers."""

    url: str
    body: bytes
    headers: dict[str, str]


def message_id(alerts: list[Alert], summary: bool) -> str:
    """The delivery id: the alert's id, or one derived from the ids a summary carries."""
    if not summary:
        return alerts[0].id
    return "s" + hashlib.sha256(",".join(a.id for a in alerts).encode("ascii")).hexdigest()[:16]


def sign_body(secret: str, body: bytes) -> str:
    """``sha256=<hex>``: HMAC-SHA256 of the raw body (the generic webhook's signature)."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def verify_signature(secret: str, body: bytes, signature: str | None, *, now: float | None = None,
                     tolerance_s: float = 300.0) -> bool:
    """The receiver's check of a generic webhook delivery: the signature matches the raw body
    and the body's ``sent_at`` is within ``tolerance_s`` of ``now`` (replays are refused)."""
    if not signature or not hmac.compare_digest(sign_body(secret, body), signature):
        return False
    try:
        sent_at = float(json.loads(body)["sent_at"])
    except (ValueError, KeyError, TypeError):
        return False
    return abs((time.time() if now is None else now) - sent_at) <= tolerance_s


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk 加签: Base64(HMAC-SHA256(key=secret, msg="timestamp\\nsecret")), not yet URL-quoted."""
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def feishu_sign(secret: str, timestamp_s: int) -> str:
    """Feishu 签名校验: Base64(HMAC-SHA256 keyed by "timestamp\\nsecret" over an empty message)."""
    digest = hmac.new(f"{timestamp_s}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def _json(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def http_request(sink: Sink, alerts: list[Alert], *, summary: bool, now: float | None = None) -> HttpRequest:
    """The request that delivers ``alerts`` (one, or a burst summary) to a webhook sink."""
    now = time.time() if now is None else now
    headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": "callaudit-alerts"}
    url = sink.target
    body: dict[str, Any]
    if sink.kind == "webhook":
        delivery = message_id(alerts, summary)
        if summary:
            body = {"type": "summary", "id": delivery, "sent_at": int(now), "count": len(alerts),
                    "text": subject(alerts, True), "alerts": [a.as_dict() for a in alerts]}
        else:
            body = {"type": "finding", **alerts[0].as_dict(), "sent_at": int(now)}
        raw = _json(body)
        headers.update({EVENT_HEADER: body["type"], DELIVERY_HEADER: delivery, TIMESTAMP_HEADER: str(int(now))})
        if sink.secret:
            headers[SIGNATURE_HEADER] = sign_body(sink.secret, raw)
        return HttpRequest(url, raw, headers)
    if sink.kind == "wecom":
        return HttpRequest(url, _json({"msgtype": "markdown", "markdown": {"content": markdown(alerts, summary)}}),
                           headers)
    if sink.kind == "dingtalk":
        body = {"msgtype": "markdown", "markdown": {"title": subject(alerts, summary),
                                                    "text": markdown(alerts, summary, max_bytes=15000)}}
        if sink.secret:
            ms = int(now * 1000)
            sign = quote_plus(dingtalk_sign(sink.secret, ms))
            url += ("&" if urlsplit(url).query else "?") + f"timestamp={ms}&sign={sign}"
        return HttpRequest(url, _json(body), headers)
    if sink.kind == "feishu":
        body = {"msg_type": "post", "content": {"post": {"zh_cn": {
            "title": subject(alerts, summary), "content": _feishu_lines(alerts, summary)}}}}
        if sink.secret:
            seconds = int(now)
            body = {"timestamp": str(seconds), "sign": feishu_sign(sink.secret, seconds), **body}
        return HttpRequest(url, _json(body), headers)
    raise ValueError(f"sink kind {sink.kind!r} is not a webhook; choose one of: {', '.join(WEBHOOK_KINDS)}")


def _feishu_lines(alerts: list[Alert], summary: bool) -> list[list[dict[str, str]]]:
    rows = []
    shown = alerts[:SUMMARY_LINES] if summary else alerts[:1]
    for a in shown:
        severity, category = _labels(a)
        if summary:
            rows.append([{"tag": "text", "text": f"{severity}·{category} {a.call_id} {_agent(a)} "},
                         {"tag": "a", "text": _span(a), "href": a.link}])
        else:
            rows += [[{"tag": "text", "text": f"级别：{severity}　类别：{category}（{a.category}）"}],
                     [{"tag": "text",
                       "text": f"通话：{a.call_id}　坐席：{_agent(a)}" + (f"　组：{a.team}" if a.team else "")}],
                     [{"tag": "text", "text": f"规则：{a.rule_id} {a.title}".rstrip()}],
                     [{"tag": "text", "text": f"位置：{_span(a)}"}],
                     [{"tag": "text", "text": f"原话：{a.evidence or '（无）'}"}],
                     [{"tag": "a", "text": "打开通话", "href": a.link}]]
    if summary and len(alerts) > len(shown):
        rows.append([{"tag": "text", "text": f"…另有 {len(alerts) - len(shown)} 条，请在仪表盘查看"}])
    return rows


def delivery_error(kind: str, status: int, body: bytes) -> str | None:
    """Why a webhook response means "not delivered" (``None``: delivered).

    The group robots answer HTTP 200 with an error code in the body (``errcode`` for WeCom and
    DingTalk, ``code`` for Feishu) when a message is refused: bad signature, rate limit, size.
    """
    if not 200 <= status < 300:
        return f"HTTP {status}: {body[:200].decode('utf-8', errors='replace')}".rstrip(": ")
    if kind == "webhook":
        return None
    try:
        data = json.loads(body or b"{}")
    except ValueError:
        return f"{kind} robot answered HTTP {status} with a body that is not JSON: {body[:200]!r}"
    if not isinstance(data, dict):
        return None
    code = data.get("errcode", data.get("code", data.get("StatusCode", 0)))
    if code not in (0, None):
        message = data.get("errmsg") or data.get("msg") or data.get("StatusMessage") or ""
        return f"{kind} robot refused the message: code {code} {message}".rstrip()
    return None


def email_message(alerts: list[Alert], *, summary: bool, sender: str, recipients: list[str]) -> EmailMessage:
    """The e-mail that delivers ``alerts`` (one, or a burst summary)."""
    msg = EmailMessage()
    msg["Subject"] = subject(alerts, summary)
    msg["From"] = sender
    msg["To"] = ", ".join(recipients)
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid(idstring=message_id(alerts, summary), domain="callaudit")
    msg["X-Callaudit-Delivery"] = message_id(alerts, summary)
    msg.set_content(plain_text(alerts, summary))
    return msg


def recent_dead_letters(session, limit: int = 50) -> list:
    """The newest undelivered alerts (``alert_dead_letter`` rows), newest first."""
    from sqlalchemy import select
    from sqlmodel import col

    from audit import models

    return list(session.exec(select(models.AlertDeadLetter)
                             .order_by(col(models.AlertDeadLetter.created_at).desc(),
                                       col(models.AlertDeadLetter.id).desc())
                             .limit(limit)).scalars())
