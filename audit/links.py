"""Links into the dashboard, for exports and evidence packs.

``call_detail?call_id=X&t=14.7`` opens call X with the player at 14.7 s (signed out, the link
survives the sign-in); ``timeline?debtor=D`` / ``timeline?case=C`` opens a debtor's timeline.
Exports carry such links only where the dashboard's public address is configured:
``--dashboard-url`` on the command line, or ``AUDIT_DASHBOARD_URL`` (e.g.
``https://audit.example.cn``, behind the reverse proxy that terminates TLS).
"""

from __future__ import annotations

from urllib.parse import urlencode

from audit.settings import check_dashboard_url, get_settings

DASHBOARD_URL_ENV = "AUDIT_DASHBOARD_URL"


def dashboard_url(value: str | None = None) -> str | None:
    """The dashboard's address: ``value``, else ``$AUDIT_DASHBOARD_URL``, else None (no links).

    Raises:
        ValueError: not an http(s) URL (:class:`audit.settings.SettingsError` for the variable).
    """
    if value:  # an option given, even blank, is the answer: the variable is not consulted
        return check_dashboard_url(value) if value.strip() else None
    return get_settings().dashboard_url  # checked when the settings were read


def call_link(base: str | None, call_id: str, t: float | None = None) -> str | None:
    """The dashboard link to ``call_id`` (at ``t`` seconds), or None without a dashboard address."""
    if not base:
        return None
    params = {"call_id": call_id}
    if t is not None:
        params["t"] = f"{max(0.0, float(t)):.1f}"
    return f"{base}/call_detail?{urlencode(params)}"


def timeline_link(
    base: str | None, *, debtor_id: str | None = None, case_id: str | None = None
) -> str | None:
    """The dashboard link to a debtor's (or a case's) timeline, or None without a dashboard address."""
    if not base:
        return None
    params = {"case": case_id} if case_id else {"debtor": debtor_id or ""}
    return f"{base}/timeline?{urlencode(params)}"
