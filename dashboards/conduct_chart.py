"""The call detail's picture of how the call sounded: each party's loudness over time against
their own usual level, the turns coloured by role, the findings marked; a click plays from there.

The figures come from the segments' stored acoustics (:class:`audit.schema.Acoustics`); this
module only draws them. The picture holds numbers, roles, categories and detectors, never
transcript text, names or reasons (a chart tooltip is not Markdown, so ``ui.esc`` could not make
them safe there); the captions around it go through ``ui.esc``.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

ROLE_COLOR = {"agent": "#1f6feb", "debtor": "#57606a", "relative": "#8250df", "third_party": "#bf8700"}
FLOOR_DB, CEILING_DB = -20.0, 25.0  # the curve is clipped to this range (dB against the party's median)
LANE = (-19.0, -16.5)  # where the turns are drawn, under the curves
PICKS = ("loudness", "turn", "finding")  # the chart's point selections


def frames(segments, findings) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The loudness points, the turns and the timed findings as the chart's data.

    Args:
        segments: rows with ``idx``, ``role``, ``start``, ``end`` and ``acoustics`` (a dict or None).
        findings: rows with ``start``, ``end``, ``rule_id``, ``category``, ``detector``, ``severity``.
    """
    points, turns = [], []
    for seg in segments:
        turns.append({"start": seg.start, "end": seg.end, "role": seg.role, "seg": seg.idx})
        ac = seg.acoustics or {}
        step = float(ac.get("step_s") or 0.25)
        for i, value in enumerate(ac.get("loudness") or []):
            if value is None:
                continue
            points.append({"t": round(seg.start + (i + 0.5) * step, 3), "db": max(FLOOR_DB, min(CEILING_DB, value)),
                           "role": seg.role, "seg": seg.idx})
    marks = [{"start": f.start, "end": f.end if f.end is not None else f.start, "rule": f.rule_id,
              "category": f.category, "detector": f.detector or "–", "severity": f.severity}
             for f in findings if f.start is not None]
    return (pd.DataFrame(points, columns=["t", "db", "role", "seg"]),
            pd.DataFrame(turns, columns=["start", "end", "role", "seg"]),
            pd.DataFrame(marks, columns=["start", "end", "rule", "category", "detector", "severity"]))


def chart(segments, findings) -> alt.LayerChart | None:
    """The layered chart, or None when no segment carries a loudness curve."""
    points, turns, marks = frames(segments, findings)
    if points.empty:
        return None
    roles = [r for r in ROLE_COLOR if r in set(turns["role"])] + sorted(set(turns["role"]) - set(ROLE_COLOR))
    color = alt.Color("role:N", scale=alt.Scale(domain=roles, range=[ROLE_COLOR.get(r, "#999999") for r in roles]),
                      legend=alt.Legend(title="role", orient="top"))
    x = alt.X("t:Q", title="seconds", scale=alt.Scale(domain=[0, float(max(turns["end"].max(), points["t"].max()))]))
    y = alt.Y("db:Q", title="dB over the party's usual level", scale=alt.Scale(domain=[FLOOR_DB, CEILING_DB]))
    pick_point = alt.selection_point(name="loudness", fields=["t"], on="click", clear="dblclick")
    pick_turn = alt.selection_point(name="turn", fields=["start"], on="click", clear="dblclick")
    pick_finding = alt.selection_point(name="finding", fields=["start"], on="click", clear="dblclick")
    usual = alt.Chart(pd.DataFrame({"db": [0.0]})).mark_rule(strokeDash=[4, 4], color="#8c959f").encode(y="db:Q")
    lanes = alt.Chart(turns).mark_rect(opacity=0.7).encode(
        x=alt.X("start:Q", title="seconds"), x2="end:Q", y=alt.datum(LANE[0]), y2=alt.datum(LANE[1]), color=color,
        tooltip=[alt.Tooltip("role:N"), alt.Tooltip("start:Q", format=".1f"), alt.Tooltip("end:Q", format=".1f")],
    ).add_params(pick_turn)
    curves = alt.Chart(points).mark_line(strokeWidth=1.5).encode(x=x, y=y, color=color, detail="seg:N")
    dots = alt.Chart(points).mark_circle(size=28).encode(
        x=x, y=y, color=color,
        tooltip=[alt.Tooltip("t:Q", title="seconds", format=".1f"), alt.Tooltip("db:Q", title="dB", format="+.1f"),
                 alt.Tooltip("role:N")],
    ).add_params(pick_point)
    layers = [usual, lanes, curves, dots]
    if not marks.empty:
        tips = [alt.Tooltip("rule:N"), alt.Tooltip("category:N"), alt.Tooltip("detector:N"),
                alt.Tooltip("severity:N"), alt.Tooltip("start:Q", format=".1f")]
        layers.append(alt.Chart(marks).mark_rect(opacity=0.12, color="#cf222e").encode(
            x="start:Q", x2="end:Q", y=alt.datum(FLOOR_DB), y2=alt.datum(CEILING_DB)))
        layers.append(alt.Chart(marks).mark_rule(color="#cf222e", strokeWidth=3).encode(
            x="start:Q", y=alt.datum(FLOOR_DB), y2=alt.datum(CEILING_DB), tooltip=tips).add_params(pick_finding))
    return alt.layer(*layers).properties(height=220)


def picked_time(selection: Any) -> float | None:
    """The time (s) a click on the chart chose, from Streamlit's selection state, or None."""
    if not selection:
        return None
    for name in PICKS:
        for value in (selection.get(name) or []) if hasattr(selection, "get") else []:
            if isinstance(value, dict):
                for field in ("t", "start"):
                    if isinstance(value.get(field), (int, float)):
                        return float(value[field])
    return None


def show(segments, findings, call_id: str) -> None:
    """Draw the picture; a click on a point, a turn or a finding sets the player's start.

    Works like the ▶ buttons (``st.session_state["seek"]``); the chart is drawn above the
    player, so the player of the same run starts at the clicked time. A selection stays
    selected across reruns, so only a new one moves the player (a ▶ click is not undone).
    """
    picture = chart(segments, findings)
    if picture is None:
        st.caption("No loudness was measured for this recording (audited before acoustics, or no speech).")
        return
    event = st.altair_chart(picture, on_select="rerun", selection_mode=list(PICKS), key=f"conduct_{call_id}",
                            width="stretch")
    when = picked_time(getattr(event, "selection", None))
    last = st.session_state.get("conduct_pick")
    if when is not None and last != (call_id, when):
        st.session_state["conduct_pick"] = (call_id, when)
        st.session_state["seek"] = {"call_id": call_id, "finding_id": None, "start": when}
    st.caption("Loudness of each party against their own usual level in this call (dashed line); turns "
               "along the bottom, findings in red. Click a point, a turn or a finding to play from there.")
