"""``audit watch``: audit recordings as they arrive (inbox folder, Redis stream) and send alerts,
with :class:`pipelines.watch.Watcher`."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from audit.cli.common import DB_HELP, add_engine_options, init_engine, pipeline_options


def add_parser(sub) -> None:
    """Register ``watch`` on the ``audit`` subparsers."""
    p = sub.add_parser(
        "watch", help="audit recordings as they arrive (inbox folder, Redis stream) and send alerts",
        description="Audit manifest fragments (*.csv, audio paths relative to INBOX) dropped into INBOX, and "
                    "manifest rows from a Redis stream, as `audit batch` would; send the findings the rule "
                    "pack's `alerts` section selects to webhooks, group robots and e-mail. Fragments go to "
                    "INBOX/done/ or INBOX/failed/ (with NAME.csv.reason.txt). See docs/watch.md.")
    p.add_argument("inbox", type=Path, metavar="INBOX")
    p.add_argument("--db", help=DB_HELP)
    add_engine_options(p)
    p.add_argument("--low-memory", action="store_true", default=None,
                   help="free each model after its stage (default: automatic below 3 GiB RAM)")
    p.add_argument("--poll", type=float, default=5.0, metavar="SECONDS",
                   help="how often INBOX is looked at, and the stream waited on, when idle (default: 5)")
    p.add_argument("--once", action="store_true",
                   help="audit what is there now, deliver its alerts (retries included) and exit")
    q = p.add_argument_group("queue intake (Redis Stream)")
    q.add_argument("--queue", metavar="URL", help="Redis URL, e.g. redis://127.0.0.1:6379/0")
    q.add_argument("--stream", metavar="NAME", help="stream of manifest rows (field 'row' = JSON object)")
    q.add_argument("--group", default="callaudit", help="consumer group (default: callaudit)")
    q.add_argument("--consumer", help="this watcher's name in the group (default: the host name; give each "
                                      "watcher on one host its own)")
    q.add_argument("--audio-root", type=Path, metavar="DIR",
                   help="folder the stream rows' audio paths are relative to (default: INBOX)")
    q.add_argument("--reclaim-after", type=float, default=300.0, metavar="SECONDS",
                   help="take over an entry another watcher left idle this long (default: 300)")
    a = p.add_argument_group("alerts")
    a.add_argument("--alert-webhook", action="append", default=[], metavar="[KIND=]URL",
                   help="send alerts here (repeatable; also $AUDIT_ALERT_WEBHOOKS, space-separated); KIND "
                        "webhook|wecom|dingtalk|feishu, default from the host (qyapi.weixin.qq.com, "
                        "oapi.dingtalk.com, open.feishu.cn) else a generic JSON webhook")
    a.add_argument("--alert-email", action="append", default=[], metavar="ADDRESS",
                   help="e-mail alerts to this address (repeatable; needs --smtp)")
    a.add_argument("--smtp", metavar="HOST:PORT", help="SMTP server for e-mail alerts (465: implicit TLS; with "
                                                        "$AUDIT_SMTP_USER/$AUDIT_SMTP_PASSWORD it logs in)")
    a.add_argument("--smtp-from", default=None, help="sender address (default: callaudit@<host name>)")
    a.add_argument("--webhook-secret", help="HMAC-SHA256 secret of generic webhooks (or $AUDIT_WEBHOOK_SECRET)")
    a.add_argument("--dingtalk-secret", help="DingTalk robot 加签 secret SEC… (or $AUDIT_DINGTALK_SECRET)")
    a.add_argument("--feishu-secret", help="Feishu robot 签名校验 secret (or $AUDIT_FEISHU_SECRET)")
    a.add_argument("--dashboard-url", help="dashboard base URL for the links in alerts "
                                           "(or $AUDIT_DASHBOARD_URL; default http://localhost:8501)")
    a.add_argument("--alert-retries", type=int, default=8, metavar="N",
                   help="delivery attempts before an alert is a dead letter (default: 8)")
    a.add_argument("--alert-backoff", type=float, default=5.0, metavar="SECONDS",
                   help="wait after the first failed attempt, doubled after each (default: 5)")
    p.set_defaults(func=cmd_watch)


def _secret(value) -> str | None:
    """The text of a ``SecretStr`` setting, or None."""
    return value.get_secret_value() if value is not None else None


def cmd_watch(args) -> int:
    """Run ``audit watch`` until stopped; returns 2 on bad options, else the watcher's status
    (with ``--once``, 1 when a fragment or entry failed)."""
    import socket

    from audit.alerts import SinkError, email_sink, parse_webhook
    from audit.links import dashboard_url as dashboard_link_base
    from audit.settings import get_settings

    if not args.inbox.is_dir():
        print(f"error: {args.inbox} is not a folder; create it and let the dialer drop recordings there",
              file=sys.stderr)
        return 2
    if bool(args.queue) != bool(args.stream):
        print("error: --queue and --stream go together (redis://host:6379/0 and the stream's name)", file=sys.stderr)
        return 2
    settings = get_settings()
    secrets = {"webhook": args.webhook_secret or _secret(settings.webhook_secret),
               "dingtalk": args.dingtalk_secret or _secret(settings.dingtalk_secret),
               "feishu": args.feishu_secret or _secret(settings.feishu_secret)}
    try:
        # robot URLs carry their key: $AUDIT_ALERT_WEBHOOKS keeps them off the command line (ps)
        urls = args.alert_webhook + list(settings.alert_webhooks)
        sinks = [parse_webhook(url, secrets) for url in urls]
        if args.alert_email:
            sinks.append(email_sink(args.alert_email))
    except SinkError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.alert_email and not args.smtp:
        print("error: --alert-email needs --smtp HOST:PORT", file=sys.stderr)
        return 2
    for name in ("pipelines.watch", "pipelines.alerts", "pipelines.batch"):
        logging.getLogger(name).setLevel(logging.INFO)  # progress and health belong in the service log
    log = logging.getLogger("pipelines.watch")
    for sink in sinks:
        if sink.kind == "webhook" and not sink.secret:
            log.warning("webhook %s is unsigned: set --webhook-secret or $AUDIT_WEBHOOK_SECRET", sink.shown)
    try:
        dashboard_url = dashboard_link_base(args.dashboard_url)  # an http(s) address, or None
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if sinks and not dashboard_url:
        log.warning("no --dashboard-url: alert links point at http://localhost:8501")

    from pipelines.alerts import RetryPolicy, SmtpSender
    from pipelines.watch import StreamSource, Watcher

    engine = init_engine(args.db)
    smtp = None
    if args.smtp:
        try:
            smtp = SmtpSender.parse(args.smtp, sender=args.smtp_from or f"callaudit@{socket.gethostname()}",
                                    user=settings.smtp_user, password=_secret(settings.smtp_password))
        except ValueError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
    stream = (StreamSource(args.queue, args.stream, group=args.group, consumer=args.consumer,
                           reclaim_after_s=args.reclaim_after) if args.queue else None)
    watcher = Watcher(engine, args.inbox, options=pipeline_options(args), pack_path=args.pack, sinks=sinks,
                      stream=stream, audio_root=args.audio_root,
                      dashboard_url=dashboard_url or "http://localhost:8501", low_memory=args.low_memory,
                      poll_s=args.poll, smtp=smtp,
                      retry=RetryPolicy(attempts=max(1, args.alert_retries), base_s=args.alert_backoff))
    return watcher.run(once=args.once)
