"""Delivering alerts: the outbox, retries with exponential backoff, burst summaries, dead letters.

The outbox (``alert_outbox``) makes "one alert per finding" hold through crashes and restarts:

1. :func:`enqueue_alerts` runs inside the transaction that stores a contact's findings (the
   batch's ``before_commit`` hook). Every finding the rule pack's ``alerts`` policy selects gets
   one ``pending`` row per sink; ``(finding_id, sink)`` is unique and the insert skips rows that
   exist, so a re-audit, a restart or a second watcher never adds a second alert.
2. :class:`AlertDispatcher` (a thread of ``audit watch``) claims due rows with a lease, sends
   them, and marks them ``sent``; a failure is retried after ``base * 2**(attempt-1)`` seconds,
   and after the last attempt the row turns ``dead`` and a copy goes to ``alert_dead_letter``.
   More than ``burst_per_minute`` alerts for one sink within a minute go out as one summary.

Delivery is at least once: a sender killed between the receiver's "200 OK" and the database's
"sent" sends that alert again when its lease expires; every delivery carries the alert id
(``X-Callaudit-Delivery``, the e-mail's ``X-Callaudit-Delivery``), the same each time, for the
receiver to drop a repeat.
"""

from __future__ import annotations

import logging
import os
import smtplib
import socket
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.engine import Engine
from sqlmodel import Session

from audit import models
from audit.alerts import Alert, Sink, alert_for, delivery_error, email_message, http_request
from audit.models import AlertStatus
from audit.rules.model import Alerts
from audit.storage import session as open_session

log = logging.getLogger(__name__)

BURST_WINDOW = timedelta(seconds=60)
_IN_CHUNK = 500


def utcnow() -> datetime:
    return datetime.now(UTC)


class DeliveryError(Exception):
    """A message was not delivered; the message says what the other side answered."""


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently an alert is retried before it is a dead letter.

    The default tries 8 times over about 21 minutes (5 s, 10 s, … 640 s apart), long enough to
    ride out a robot's rate limit or a proxy restart, short enough that a supervisor hears of a
    lost alert the same morning (the dashboard lists dead letters).
    """

    attempts: int = 8
    base_s: float = 5.0
    max_delay_s: float = 900.0

    def delay(self, attempt: int) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (1-based)."""
        return min(self.max_delay_s, self.base_s * 2 ** (attempt - 1))

    def total_s(self) -> float:
        return sum(self.delay(n) for n in range(1, self.attempts))


# -- senders ----------------------------------------------------------------------------------------


class HttpSender:
    """POSTs a request with ``urllib`` (no proxy magic beyond the standard ``*_proxy`` variables)."""

    def __init__(self, timeout_s: float = 10.0):
        self.timeout_s = timeout_s

    def __call__(self, sink: Sink, alerts: list[Alert], summary: bool) -> None:
        req = http_request(sink, alerts, summary=summary)
        request = urllib.request.Request(req.url, data=req.body, headers=req.headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_s) as response:
                status, body = response.status, response.read(65536)
        except urllib.error.HTTPError as exc:
            status, body = exc.code, exc.read(65536) if exc.fp else b""
        except (TimeoutError, urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise DeliveryError(f"{sink.shown}: {type(reason).__name__}: {reason}") from None
        error = delivery_error(sink.kind, status, body)
        if error:
            raise DeliveryError(f"{sink.shown}: {error}")


@dataclass
class SmtpSender:
    """Sends alert e-mails through one SMTP server (``--smtp HOST:PORT``).

    With ``user`` set (``AUDIT_SMTP_USER``/``AUDIT_SMTP_PASSWORD``) it logs in, after STARTTLS
    when the server offers it; ``ssl`` uses implicit TLS (port 465).
    """

    host: str = "127.0.0.1"
    port: int = 25
    sender: str = "callaudit@localhost"
    user: str | None = None
    password: str | None = None
    ssl: bool = False
    timeout_s: float = 20.0

    @classmethod
    def parse(cls, value: str, **kwargs) -> SmtpSender:
        host, _, port = value.rpartition(":")
        if not host or not port.isdigit():
            raise ValueError(f"--smtp {value!r}: write HOST:PORT, e.g. smtp.example.com:587")
        return cls(host=host, port=int(port), ssl=int(port) == 465, **kwargs)

    def __call__(self, sink: Sink, alerts: list[Alert], summary: bool) -> None:
        recipients = sink.target.split(",")
        msg = email_message(alerts, summary=summary, sender=self.sender, recipients=recipients)
        try:
            client = (smtplib.SMTP_SSL if self.ssl else smtplib.SMTP)(self.host, self.port, timeout=self.timeout_s)
            with client as smtp:
                smtp.ehlo()
                if not self.ssl and smtp.has_extn("starttls") and self.user:
                    smtp.starttls()
                    smtp.ehlo()
                if self.user:
                    smtp.login(self.user, self.password or "")
                refused = smtp.send_message(msg, from_addr=self.sender, to_addrs=recipients)
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryError(f"smtp {self.host}:{self.port}: {type(exc).__name__}: {exc}") from None
        if refused:
            raise DeliveryError(f"smtp {self.host}:{self.port} refused {', '.join(refused)}")


# -- the outbox --------------------------------------------------------------------------------------


def enqueue_alerts(session: Session, call_ids: Iterable[str], *, policy: Alerts, sinks: list[Sink],
                   dashboard_url: str) -> int:
    """Add a ``pending`` outbox row per sink for each finding of ``call_ids`` that ``policy``
    selects (dismissed findings never alert). Runs in the caller's transaction; rows that
    exist are left as they are. Returns the number of rows added."""
    call_ids = sorted(set(call_ids))
    if not sinks or not call_ids:
        return 0
    severities = [s.value for s in policy.severities]
    categories = [c.value for c in policy.categories]
    rows = []
    for i in range(0, len(call_ids), _IN_CHUNK):
        query = (select(models.Finding, models.Contact)
                 .join(models.Contact, models.Contact.call_id == models.Finding.call_id)
                 .where(models.Finding.call_id.in_(call_ids[i:i + _IN_CHUNK]),
                        models.Finding.review_status != models.ReviewStatus.DISMISSED.value,
                        or_(models.Finding.severity.in_(severities), models.Finding.category.in_(categories))))
        rows += session.exec(query).all()
    if not rows:
        return 0
    values = []
    for finding, contact in rows:
        payload = alert_for(finding, contact, dashboard_url).as_dict()
        for sink in sinks:
            values.append({"finding_id": finding.id, "sink": sink.key, "call_id": finding.call_id,
                           "status": AlertStatus.PENDING.value, "payload": payload, "attempts": 0,
                           "next_attempt_at": utcnow(), "summarised": False, "created_at": utcnow()})
    return _insert_missing(session, values)


def _insert_missing(session: Session, values: list[dict]) -> int:
    table = models.AlertOutbox.__table__
    dialect = session.get_bind().dialect.name
    if dialect in ("postgresql", "sqlite"):
        if dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        added = 0
        for i in range(0, len(values), 50):  # 50 rows x 12 columns: far below SQLite's parameter limit
            statement = (insert(table).values(values[i:i + 50])
                         .on_conflict_do_nothing(index_elements=["finding_id", "sink"]).returning(table.c.id))
            added += len(session.execute(statement).all())  # RETURNING names only the rows inserted
        return added
    added = 0  # other databases: look first (a concurrent duplicate fails the unique constraint)
    for value in values:
        exists = session.execute(select(table.c.id).where(table.c.finding_id == value["finding_id"],
                                                          table.c.sink == value["sink"])).first()
        if exists is None:
            session.execute(table.insert().values(**value))
            added += 1
    return added


@dataclass
class OutboxCounts:
    pending: int = 0
    sent: int = 0
    dead: int = 0


def outbox_counts(engine: Engine, sinks: list[Sink] | None = None) -> OutboxCounts:
    """How many alerts (of ``sinks``, default all) are pending, sent and dead."""
    counts = OutboxCounts()
    with open_session(engine) as session:
        query = select(models.AlertOutbox.status, func.count()).group_by(models.AlertOutbox.status)
        if sinks is not None:
            query = query.where(models.AlertOutbox.sink.in_([s.key for s in sinks]))
        for status, n in session.exec(query).all():
            if hasattr(counts, status):
                setattr(counts, status, n)
    return counts


Sender = Callable[[Sink, list[Alert], bool], None]


class AlertDispatcher:
    """Sends the outbox's due alerts to their sinks, as a background thread or one round at a time.

    Args:
        engine: the database holding the outbox.
        sinks: the sinks this process delivers to (rows of other sinks are left alone).
        policy: the pack's alert policy (its ``burst_per_minute``).
        retry: attempts and backoff.
        http: sends a webhook message (default :class:`HttpSender`).
        smtp: sends an e-mail (required when an e-mail sink is given).
        lease_s: how long a claimed row is this sender's; a sender that dies holding it leaves
            the row to the next one after that.
    """

    def __init__(self, engine: Engine, sinks: list[Sink], *, policy: Alerts | None = None,
                 retry: RetryPolicy | None = None, http: Sender | None = None, smtp: Sender | None = None,
                 lease_s: float = 120.0, batch: int = 200):
        self.engine = engine
        self.sinks = {s.key: s for s in sinks}
        self.policy = policy or Alerts()
        self.retry = retry or RetryPolicy()
        self.http = http or HttpSender()
        self.smtp = smtp
        if any(s.kind == "email" for s in sinks) and smtp is None:
            raise ValueError("e-mail alerts need an SMTP server (--smtp HOST:PORT)")
        self.lease = timedelta(seconds=lease_s)
        self.batch = batch
        self.owner = f"{socket.gethostname()[:40]}:{os.getpid()}"
        self.delivered = 0
        self.failed = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # -- one round ---------------------------------------------------------------------------------

    def run_once(self) -> int:
        """Send what is due now; returns the number of messages attempted."""
        attempted = 0
        for sink in self.sinks.values():
            rows = self._claim(sink)
            if rows:
                attempted += self._deliver(sink, rows)
        return attempted

    def _claim(self, sink: Sink) -> list[models.AlertOutbox]:
        now = utcnow()
        token = f"{self.owner}:{uuid.uuid4().hex[:8]}"[:64]
        table = models.AlertOutbox
        free = or_(table.claimed_until.is_(None), table.claimed_until < now)
        with open_session(self.engine) as session:
            ids = list(session.exec(
                select(table.id).where(table.status == AlertStatus.PENDING.value, table.sink == sink.key,
                                       table.next_attempt_at <= now, free)
                .order_by(table.id).limit(self.batch)).scalars())
            if not ids:
                return []
            # One conditional UPDATE: of two senders racing for a row, exactly one matches it.
            session.execute(update(table).where(table.id.in_(ids), table.status == AlertStatus.PENDING.value, free)
                         .values(claimed_by=token, claimed_until=now + self.lease))
            session.commit()
            return list(session.exec(select(table).where(table.claimed_by == token,
                                                         table.status == AlertStatus.PENDING.value)
                                     .order_by(table.id)).scalars())

    def _deliver(self, sink: Sink, rows: list[models.AlertOutbox]) -> int:
        now = utcnow()
        with open_session(self.engine) as session:
            recent = session.exec(select(func.count()).select_from(models.AlertOutbox).where(
                models.AlertOutbox.sink == sink.key, models.AlertOutbox.status == AlertStatus.SENT.value,
                models.AlertOutbox.sent_at >= now - BURST_WINDOW)).one()[0]
            last_summary = session.exec(select(func.max(models.AlertOutbox.sent_at)).where(
                models.AlertOutbox.sink == sink.key, models.AlertOutbox.summarised.is_(True),
                models.AlertOutbox.sent_at >= now - BURST_WINDOW)).one()[0]
        if recent + len(rows) <= self.policy.burst_per_minute:
            for row in rows:
                self._send(sink, [row], summary=False)
            return len(rows)
        if last_summary is not None:
            # In a burst: one summary per sink and minute; the rest waits for the next one.
            if last_summary.tzinfo is None:
                last_summary = last_summary.replace(tzinfo=UTC)
            self._postpone(rows, last_summary + BURST_WINDOW)
            return 0
        log.info("%d alerts for %s within a minute: sending one summary", recent + len(rows), sink.shown)
        self._send(sink, rows, summary=True)
        return 1

    def _send(self, sink: Sink, rows: list[models.AlertOutbox], summary: bool) -> None:
        alerts = [Alert.from_dict(r.payload) for r in rows]
        sender = self.smtp if sink.kind == "email" else self.http
        try:
            sender(sink, alerts, summary)
        except Exception as exc:  # noqa: BLE001 - a sender bug must not kill the thread: retry, then dead letter
            error = str(exc) if isinstance(exc, DeliveryError) else f"{type(exc).__name__}: {exc}"
            self._failed(sink, rows, error)
            return
        self._sent(rows, summary)

    def _sent(self, rows: list[models.AlertOutbox], summary: bool) -> None:
        now = utcnow()
        with open_session(self.engine) as session:
            session.execute(update(models.AlertOutbox).where(models.AlertOutbox.id.in_([r.id for r in rows]))
                         .values(status=AlertStatus.SENT.value, sent_at=now, summarised=summary,
                                 attempts=models.AlertOutbox.attempts + 1, claimed_by=None, claimed_until=None,
                                 last_error=None))
            session.commit()
        self.delivered += len(rows)
        for row in rows:
            log.info("alert %s sent: %s %s %s", f"f{row.finding_id}", row.call_id,
                     row.payload.get("category"), row.payload.get("rule_id"))

    def _failed(self, sink: Sink, rows: list[models.AlertOutbox], error: str) -> None:
        now = utcnow()
        with open_session(self.engine) as session:
            for stale in rows:
                row = session.get(models.AlertOutbox, stale.id)
                row.attempts += 1
                row.last_error = error
                row.claimed_by, row.claimed_until = None, None
                if row.attempts >= self.retry.attempts:
                    row.status = AlertStatus.DEAD.value
                    session.add(models.AlertDeadLetter(
                        outbox_id=row.id, finding_id=row.finding_id, call_id=row.call_id, sink=row.sink,
                        target=sink.shown, payload=row.payload, error=error, attempts=row.attempts))
                    log.error("alert f%s for %s could not be delivered after %d attempts (dead letter): %s",
                              row.finding_id, row.call_id, row.attempts, error)
                else:
                    row.next_attempt_at = now + timedelta(seconds=self.retry.delay(row.attempts))
                    log.warning("alert f%s for %s: attempt %d failed, retrying in %.1f s: %s", row.finding_id,
                                row.call_id, row.attempts, self.retry.delay(row.attempts), error)
            session.commit()
        self.failed += len(rows)

    def _postpone(self, rows: list[models.AlertOutbox], until: datetime) -> None:
        with open_session(self.engine) as session:
            session.execute(update(models.AlertOutbox).where(models.AlertOutbox.id.in_([r.id for r in rows]))
                         .values(next_attempt_at=until, claimed_by=None, claimed_until=None))
            session.commit()

    # -- waiting and running ----------------------------------------------------------------------

    def pending(self) -> int:
        """Alerts of this dispatcher's sinks not yet sent or dead."""
        return outbox_counts(self.engine, list(self.sinks.values())).pending if self.sinks else 0

    def drain(self, timeout_s: float, poll_s: float = 0.2) -> bool:
        """Send until nothing of this dispatcher's sinks is pending (retries included), or
        ``timeout_s`` passed; returns whether the outbox is empty."""
        deadline = time.monotonic() + timeout_s
        while True:
            self.run_once()
            if not self.pending():
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(poll_s)

    def start(self, interval_s: float = 1.0) -> None:
        """Send in a background thread every ``interval_s`` until :meth:`stop`."""
        if not self.sinks or self._thread is not None:
            return
        self._stop.clear()

        def loop() -> None:
            while not self._stop.is_set():
                try:
                    self.run_once()
                except Exception:  # noqa: BLE001 - a database hiccup: log, wait, go on
                    log.exception("alert dispatcher round failed; retrying")
                self._stop.wait(interval_s)

        self._thread = threading.Thread(target=loop, name="alert-dispatcher", daemon=True)
        self._thread.start()

    def stop(self, flush_s: float = 0.0) -> None:
        """Stop the thread; with ``flush_s`` first send what is due, for at most that long."""
        if self._thread is None:
            return
        self._stop.set()
        self._thread.join()
        self._thread = None
        if flush_s > 0:
            deadline = time.monotonic() + flush_s
            while time.monotonic() < deadline and self.run_once():
                pass

