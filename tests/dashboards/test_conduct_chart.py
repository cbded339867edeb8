"""The call detail's conduct picture: loudness per party over time, turns, findings; a click plays."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
import streamlit as st

from audit import models
from audit.storage import make_engine, session
from dashboards import conduct_chart
from tests.dashboards.test_pages import app, render


def _measure(url: str, call_id: str) -> float:
    """Give the call's segments loudness curves (the third collector turn shouted) and a CONDUCT finding."""
    engine = make_engine(url)
    with session(engine) as s:
        rows = s.exec(sa.select(models.Segment).where(models.Segment.call_id == call_id)
                      .order_by(models.Segment.idx)).scalars().all()
        agent_turns = [r for r in rows if r.role == "agent"]
        shouted = agent_turns[min(2, len(agent_turns) - 1)]
        for row in rows:
            steps = max(1, round((row.end - row.start) / 0.25))
            level = 11.0 if row is shouted else 0.5
            row.acoustics = {"level_db": -20 + level, "level_rel_db": level, "loudness": [level] * steps,
                             "pitch_hz": 210.0, "pitch_rel_st": 1.0 if row is shouted else 0.0, "step_s": 0.25}
        s.add(models.Finding(call_id=call_id, rule_id="CONDUCT-RAISED-VOICE", category="CONDUCT", severity="medium",
                             title="大声呵斥", speaker=shouted.speaker, role="agent", start=shouted.start,
                             end=shouted.end, evidence=shouted.text, detector="raised_voice"))
        s.commit()
        start = shouted.start
    engine.dispose()
    return start


def _chart(at) -> tuple[dict, list[list[dict]]]:
    """The chart's Vega-Lite spec and its data sets (Streamlit ships them as Arrow tables)."""
    import pyarrow as pa

    charts = at.get("vega_lite_chart")
    assert len(charts) == 1
    proto = charts[0].proto
    datasets = [pa.ipc.open_stream(d.data.data).read_all().to_pylist() for d in proto.datasets]
    return json.loads(proto.spec), datasets


def test_picture_shows_loudness_turns_and_findings(dashboard_env):
    _measure(dashboard_env["url"], "t-002")
    at = app(dashboard_env, "wang", call_id="t-002")
    at.run()
    render(at, "call_detail")
    spec, datasets = _chart(at)
    marks = [layer["mark"]["type"] for layer in spec["layer"]]
    assert marks == ["rule", "rect", "line", "circle", "rect", "rule"]
    assert {p["name"] for p in spec["params"]} == {"loudness", "turn", "finding"}
    loud = next(rows for rows in datasets if rows and "db" in rows[0] and "t" in rows[0])
    assert max(r["db"] for r in loud) == 11.0 and {r["role"] for r in loud} == {"agent", "debtor"}
    findings = next(rows for rows in datasets if rows and "rule" in rows[0])
    assert [f["rule"] for f in findings if f["category"] == "CONDUCT"] == ["CONDUCT-RAISED-VOICE"]
    # no transcript text, name or reason travels in the chart (its tooltips are not escaped Markdown)
    for rows in datasets:
        for row in rows:
            assert set(row) <= {"t", "db", "role", "seg", "start", "end", "rule", "category", "detector", "severity"}


def test_click_on_the_picture_moves_the_player(dashboard_env, monkeypatch):
    """Streamlit returns the clicked point as the chart's selection event; the player starts there."""
    start = _measure(dashboard_env["url"], "t-002")
    at = app(dashboard_env, "wang", call_id="t-002")
    at.run()
    render(at, "call_detail")
    assert at.get("audio")[0].proto.start_time == 0

    real = st.altair_chart

    def clicked(chart, **kwargs):
        real(chart, **kwargs)
        return SimpleNamespace(selection={"loudness": [], "turn": [{"start": start}], "finding": []})

    monkeypatch.setattr(st, "altair_chart", clicked)
    at.run()
    audio = at.get("audio")[0].proto
    assert (audio.start_time, audio.autoplay) == (int(start), True)
    # the same selection, still selected on the next run, does not undo a ▶ click
    assert at.session_state["conduct_pick"] == ("t-002", start)


def test_no_picture_without_acoustics(dashboard_env):
    at = app(dashboard_env, "wang", call_id="t-002")
    at.run()
    render(at, "call_detail")
    assert not at.get("vega_lite_chart")
    assert any("No loudness was measured" in c.value for c in at.caption)


@pytest.mark.parametrize("selection,expected", [
    (None, None),
    ({"loudness": [], "turn": [], "finding": []}, None),
    ({"loudness": [{"t": 12.5}], "turn": [], "finding": []}, 12.5),
    ({"loudness": [], "turn": [], "finding": [{"start": 3}]}, 3.0),
    ({"loudness": [{"t": "x"}]}, None),
])
def test_picked_time(selection, expected):
    assert conduct_chart.picked_time(selection) == expected


def test_frames_skip_steps_without_speech():
    seg = SimpleNamespace(idx=0, role="agent", start=2.0, end=3.0, acoustics={"loudness": [1.0, None, 30.0, -40.0]})
    points, turns, marks = conduct_chart.frames([seg], [])
    assert list(points["t"]) == [2.125, 2.625, 2.875]
    assert list(points["db"]) == [1.0, conduct_chart.CEILING_DB, conduct_chart.FLOOR_DB]
    assert marks.empty and list(turns["role"]) == ["agent"]
    assert conduct_chart.chart([SimpleNamespace(idx=0, role="agent", start=0, end=1, acoustics=None)], []) is None
