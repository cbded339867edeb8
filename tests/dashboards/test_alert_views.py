"""What alerts need from the dashboard: admins see undelivered alerts on the overview (nobody else
does), and an alert's deep link opens the call with the player at its finding."""

from __future__ import annotations

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from audit import models
from audit.storage import make_engine
from audit.storage import session as open_session
from tests.dashboards.conftest import APP


def add_dead_letter(url: str) -> None:
    engine = make_engine(url)
    with open_session(engine) as session:
        row = models.AlertOutbox(finding_id=991, sink="dingtalk:0123456789abcdef", call_id="t-002", status="dead",
                                 payload={"rule_id": "CASH-CARD-HANDOVER", "severity": "critical"}, attempts=8,
                                 last_error="dingtalk robot refused the message: code 310000 sign not match")
        session.add(row)
        session.flush()
        session.add(models.AlertDeadLetter(outbox_id=row.id, finding_id=991, call_id="t-002", sink=row.sink,
                                           target="https://oapi.dingtalk.com/robot/send?access_token=***",
                                           payload=row.payload, error=row.last_error, attempts=8))
        session.commit()
    engine.dispose()


@pytest.mark.parametrize("username, shown", [("boss", True), ("wang", False), ("zhao", False)])
def test_undelivered_alerts_on_the_overview_for_admins_only(dashboard_env, username, shown):
    add_dead_letter(dashboard_env["url"])
    st.cache_data.clear()
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.session_state["user"] = dashboard_env["users"][username]
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    labels = [e.label for e in at.expander]
    assert ("未送达的告警（1）" in labels) is shown  # the default language
    if shown:
        table = at.expander[labels.index("未送达的告警（1）")].dataframe[0].value
        assert table.iloc[0]["call"] == "t-002" and table.iloc[0]["rule"] == "CASH-CARD-HANDOVER"
        assert "sign not match" in table.iloc[0]["error"] and "***" in table.iloc[0]["sink"]


def test_no_section_without_dead_letters(dashboard_env):
    st.cache_data.clear()
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.session_state["user"] = dashboard_env["users"]["boss"]
    at.run()
    assert not at.exception and not [e for e in at.expander if e.label.startswith("未送达")]


def test_alert_deep_link_opens_the_player_at_the_finding(dashboard_env):
    """``/call_detail?call_id=X&t=SECONDS``, the link every alert carries."""
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.session_state["user"] = dashboard_env["users"]["wang"]
    at.query_params["call_id"] = "t-002"
    at.query_params["t"] = "14"
    at.run()
    at.switch_page("pages/call_detail.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    audio = at.get("audio")[0].proto
    assert (audio.start_time, audio.autoplay) == (14, False)
