"""The room cohort on the profile side of the s-norm (pipelines/voice_cohort.py, issue 11 session 9):
a profile that every room voice scores high on (a "hub") no longer keeps a team-mate's turn."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import numpy as np
import pytest

from audit.schema import Contact, Segment
from audit.voiceprints import Chunk, Profile
from pipelines import voice_cohort, voices

TZ = timezone(timedelta(hours=8))


def _unit(seed: int) -> np.ndarray:
    v = np.random.default_rng(seed).normal(size=256)
    return v / np.linalg.norm(v)


def _with(v: np.ndarray, pull: np.ndarray, weight: float) -> np.ndarray:
    w = v + weight * pull
    return w / np.linalg.norm(w)


ROOM = _unit(500)  # the direction the room moves voices towards
VOICE = {f"V3{i:02d}": _unit(i) for i in range(1, 9)}
# V301 is the hub: its telephone voice already leans the way the room moves every voice
PHONE = {a: (_with(v, ROOM, 2.0) if a == "V301" else v) for a, v in VOICE.items()}


def _profiles() -> dict[str, Profile]:
    def chunk(v: np.ndarray, seed: int) -> Chunk:
        return Chunk(_with(v, _unit(seed), 0.2).tolist(), 20.0, f"enr-{seed}")

    return {
        a: Profile(a, [chunk(v, 1000 + 10 * i + k) for k in range(3)], team="外访一组")
        for i, (a, v) in enumerate(PHONE.items())
    }


def _visit() -> Contact:
    return Contact(
        call_id="vis-1",
        kind="visit",
        started_at=datetime(2026, 11, 20, 10, 0, tzinfo=TZ),
        talk_seconds=30,
        outcome="answered",
        agent_id="V301",
        agent_name="郑伟",
        team="外访一组",
        creditor="招商银行",
        agency="招商银行信用卡中心",
        case_id="C-1",
        debtor_id="D-1",
        days_past_due=90,
        visit_staff=2,
        visit_staff_ids=("V301", "V302"),
        audio_file="vis-1.m4a",
    )


@pytest.fixture
def room_cohort(monkeypatch, tmp_path):
    """A shipped cohort of 20 room voices of other people (each moved towards ROOM like any room voice)."""
    path = tmp_path / "room_cohort.json"
    vectors = np.stack([_with(_unit(700 + k), ROOM, 2.0) for k in range(20)])
    path.write_text(json.dumps(voice_cohort.fit_document(vectors, [f"x/{k}" for k in range(20)])))
    monkeypatch.setattr(voice_cohort, "COHORT_FILE", path)
    monkeypatch.setattr(voice_cohort, "_COHORT", {})
    monkeypatch.setattr(voices, "_MEANS", {})  # synthetic voices: no channel mean to remove
    return path


def test_a_hub_profile_no_longer_keeps_a_team_mates_turn_in_the_room(monkeypatch, room_cohort):
    # V302's turn in the room, inside the cluster matched to the hub V301: the room's pull makes it
    # closer to the hub's voiceprint than to its own
    heard = _with(VOICE["V302"], ROOM, 2.0)
    profiles = _profiles()
    assert float(heard @ voices.profile_vector(profiles["V301"])) > float(
        heard @ voices.profile_vector(profiles["V302"])
    )
    monkeypatch.setattr(voices, "ACCEPT_SCALE", None)  # the constant ACCEPT: these synthetic voices pass any level

    def turn(channel: str) -> str | None:
        segments = [
            Segment("S0", "agent", 0.0, 4.0, "您好。", agent_id="V301"),
            Segment("S0", "agent", 5.0, 8.0, "这是我的工作证。", agent_id="V301"),
            Segment("S1", "agent", 9.0, 12.0, "请您配合。", agent_id="V302"),
        ]
        windows = {
            id(segments[0]): _with(VOICE["V301"], ROOM, 2.0)[None, :],
            id(segments[1]): heard[None, :],
            id(segments[2]): _with(VOICE["V302"], ROOM, 1.0)[None, :],
        }
        matches = [voices.VoiceMatch("S0", "V301", 1.0, 7.0), voices.VoiceMatch("S1", "V302", 1.0, 3.0)]
        voices.refine_segments(
            _visit(), np.zeros(16000 * 12, np.float32), segments, profiles, channel, matches, windows=windows
        )
        return segments[1].agent_id

    monkeypatch.setattr(voices, "ROOM_COHORT", False)
    assert turn("room") == "V301"  # the telephone cohort does not pull the hub down
    monkeypatch.setattr(voices, "ROOM_COHORT", True)
    assert turn("room") == "V302"
    assert turn("phone") == "V301"  # a telephone recording: the room cohort does not apply


def test_the_profile_side_is_each_centre_against_the_cohort(room_cohort):
    cohort = voice_cohort.room_cohort()
    assert cohort is not None and cohort.shape == (20, 256)
    assert np.allclose(np.linalg.norm(cohort, axis=1), 1.0)
    centres = np.stack([PHONE["V301"], PHONE["V302"]])
    mu, sd = voice_cohort.profile_side(centres, cohort)
    assert mu[0] > 0.6 > 0.2 > abs(mu[1])  # the hub scores high on every room voice, the other does not
    assert np.allclose(mu, (centres @ cohort.T).mean(axis=1)) and (sd > 0).all()


def test_no_cohort_shipped_falls_back_to_the_profiles(monkeypatch, tmp_path):
    monkeypatch.setattr(voice_cohort, "COHORT_FILE", tmp_path / "none.json")
    monkeypatch.setattr(voice_cohort, "_COHORT", {})
    monkeypatch.setattr(voices, "_MEANS", {})
    heard = np.stack([_with(VOICE["V302"], ROOM, 2.0)])
    profiles = _profiles()
    plain = voices.snorm_scores(heard, ["V301", "V302"], profiles)
    assert voice_cohort.room_cohort() is None
    assert np.allclose(voices.snorm_scores(heard, ["V301", "V302"], profiles, room=True), plain)
