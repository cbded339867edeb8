"""Per-segment acoustics on recordings built sample by sample: levels, pitch, talk-over, gaps."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from audit.schema import Segment
from pipelines.acoustics import measure, said
from pipelines.audio import SAMPLE_RATE, Audio

RNG = np.random.default_rng(7)


def voice(seconds: float, f0: float, db: float) -> np.ndarray:
    """A vowel-like sound: harmonics of ``f0`` with syllable-rate amplitude movement, ``db`` dBFS RMS."""
    t = np.arange(int(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    wave = sum(np.sin(2 * np.pi * k * f0 * t) / k for k in range(1, 12))
    wave = wave * (0.6 + 0.4 * np.sin(2 * np.pi * 4 * t) ** 2)
    wave = wave / np.sqrt(np.mean(wave ** 2)) * 10 ** (db / 20)
    return wave.astype(np.float32)


def place(track: np.ndarray, start: float, sound: np.ndarray) -> None:
    a = int(start * SAMPLE_RATE)
    track[a:a + len(sound)] += sound[: len(track) - a]


# (role, start, seconds, pitch Hz, level dBFS): the collector is on the left channel
TURNS = [("agent", 0.5, 3.0, 150, -26), ("debtor", 4.0, 3.0, 220, -22), ("agent", 7.5, 3.0, 150, -26),
         ("debtor", 11.0, 4.0, 220, -22), ("agent", 14.0, 3.0, 150, -26),  # starts 1 s before the debtor stops
         ("debtor", 17.5, 2.0, 220, -22), ("agent", 20.0, 3.0, 190, -14),  # shouted: +12 dB, +4 st
         ("agent", 31.0, 3.0, 150, -26)]  # after 8 s of silence


def recording(stereo: bool) -> tuple[Audio, list[Segment]]:
    n = 35 * SAMPLE_RATE
    left, right = (RNG.normal(0, 1e-4, n).astype(np.float32) for _ in range(2))
    segments = []
    for role, start, seconds, f0, db in TURNS:
        place(left if role == "agent" or not stereo else right, start, voice(seconds, f0, db))
        segments.append(Segment(role, role, start, start + seconds, "您好请问" * int(seconds),
                                channel=(0 if role == "agent" else 1) if stereo else None))
    samples = np.stack([left, right]) if stereo else ((left + right) / 2)[None, :]
    return Audio(Path("synthetic.wav"), samples, SAMPLE_RATE, "0" * 64), segments


@pytest.fixture(scope="module")
def stereo_call():
    audio, segments = recording(stereo=True)
    metrics = measure(audio, segments, stereo=True)
    return segments, metrics


def test_levels_and_pitch_are_against_the_same_party(stereo_call):
    segments, _ = stereo_call
    shouted = segments[6].acoustics
    assert shouted.level_rel_db == pytest.approx(12, abs=1)
    assert shouted.pitch_rel_st == pytest.approx(12 * np.log2(190 / 150), abs=0.5)
    assert all(v is not None and v > 10 for v in shouted.loudness)
    assert len(shouted.loudness) == 12  # one value every 0.25 s
    for calm in (segments[0], segments[2], segments[4], segments[7]):
        assert abs(calm.acoustics.level_rel_db) < 1 and abs(calm.acoustics.pitch_rel_st) < 0.5
    # the debtor is 4 dB louder than the collector, and that is no raised voice: each party has its own median
    assert abs(segments[1].acoustics.level_rel_db) < 1


def test_talk_over_from_the_channels(stereo_call):
    segments, metrics = stereo_call
    assert segments[4].acoustics.interrupt_s == pytest.approx(1.0, abs=0.15)
    assert segments[4].acoustics.overlap_s == pytest.approx(1.0, abs=0.15)
    assert [s.acoustics.interrupt_s for i, s in enumerate(segments) if i != 4] == [0.0] * 7
    assert metrics["overtalk_s"] == pytest.approx(1.0, abs=0.15) and metrics["contact_overtalk_s"] == 0


def test_gaps_and_pace(stereo_call):
    segments, metrics = stereo_call
    assert segments[0].acoustics.gap_before_s is None
    assert segments[7].acoustics.gap_before_s == pytest.approx(8.0)
    assert segments[0].acoustics.rate_cps == pytest.approx(12 / 3.0)
    assert metrics["agent_pace_cps"] == pytest.approx(4.0)


def test_crosstalk_is_not_a_second_voice():
    """Echo of the collector on the debtor's channel, 30 dB down, is no talk-over."""
    audio, segments = recording(stereo=True)
    echo = audio.samples.copy()
    echo[1] += echo[0] * 10 ** (-30 / 20)
    measure(Audio(audio.path, echo, SAMPLE_RATE, audio.sha256), segments, stereo=True)
    assert [s.acoustics.interrupt_s for s in segments if s.role == "agent"] == [0.0, 0.0, pytest.approx(1.0, abs=0.15),
                                                                                 0.0, 0.0]


def test_mono_levels_and_overlapping_turns():
    audio, segments = recording(stereo=False)
    segments[3].end = 15.0  # a diarizer that models overlapped speech gives the debtor until 15 s
    measure(audio, segments, stereo=False)
    assert segments[6].acoustics.level_rel_db == pytest.approx(12, abs=1.5)
    assert segments[4].acoustics.interrupt_s == pytest.approx(1.0)
    assert segments[3].acoustics.interrupt_s == 0


def test_said_counts_characters_and_words():
    assert said("您好，请问是 Li Ming 吗？还款 2000 元") == 5 + 2 + 1 + 2 + 1 + 1  # a word or number is one


def test_silent_segment_measures_without_error():
    audio, segments = recording(stereo=True)
    segments.append(Segment("agent", "agent", 25.0, 26.0, "", channel=0))  # nothing said there
    measure(audio, sorted(segments, key=lambda s: s.start), stereo=True)
    assert segments[-1].acoustics.pitch_hz is None


def test_yin_is_librosas_algorithm_without_numba():
    """The numpy YIN gives librosa.yin's pitch, frame by frame, on a voice-like signal."""
    import librosa  # a dependency (resemblyzer needs it): the reference implementation

    from pipelines.acoustics import yin

    rng = np.random.default_rng(7)
    t = np.arange(int(1.5 * 8000)) / 8000
    f0 = 120 + 40 * np.sin(2 * np.pi * 0.7 * t)  # a gliding voice with harmonics and noise
    phase = 2 * np.pi * np.cumsum(f0) / 8000
    y = sum(np.sin(k * phase) / k for k in range(1, 6)) + 0.05 * rng.standard_normal(len(t))
    y = y.astype(np.float32)
    kw = dict(fmin=60.0, fmax=500.0, sr=8000, frame_length=320, hop_length=80)
    ours, theirs = yin(y, **kw), librosa.yin(y, center=True, **kw)
    assert ours.shape == theirs.shape
    assert np.mean(np.abs(ours - theirs) / theirs < 1e-3) > 0.99
    truth = f0[np.minimum(np.arange(len(ours)) * 80, len(f0) - 1)]  # frame i is centred at i hops
    assert np.median(np.abs(ours[5:-5] - truth[5:-5]) / truth[5:-5]) < 0.03


def test_pitch_is_against_the_voice_and_loudness_against_the_party():
    """A visit: two collectors five semitones apart. The lower one shouts (+12 dB, +2.5 st over
    their own voice): louder than the party, higher than their own voice although below the
    party's median pitch."""
    n = 30 * SAMPLE_RATE
    track = RNG.normal(0, 1e-4, n).astype(np.float32)
    # (speaker, start, seconds, pitch Hz, level dBFS)
    turns = [("S0", 0.5, 3.0, 200, -24), ("S1", 4.0, 3.0, 150, -24), ("S0", 7.5, 3.0, 200, -24),
             ("S2", 11.0, 3.0, 240, -24), ("S1", 14.5, 3.0, 173, -12), ("S0", 18.0, 3.0, 200, -24),
             ("S1", 21.5, 3.0, 150, -24)]
    segments = []
    for speaker, start, seconds, f0, db in turns:
        place(track, start, voice(seconds, f0, db))
        segments.append(Segment(speaker, "debtor" if speaker == "S2" else "agent", start, start + seconds, "您好"))
    measure(Audio(Path("visit.wav"), track[None, :], SAMPLE_RATE, "0" * 64), segments, stereo=False)
    shout = segments[4].acoustics
    assert shout.level_rel_db == pytest.approx(12, abs=1.5)  # against both collectors
    assert shout.pitch_rel_st == pytest.approx(12 * np.log2(173 / 150), abs=0.5)  # against S1's own voice
    assert abs(segments[0].acoustics.pitch_rel_st) < 0.5  # S0 against S0


def test_silences_come_from_the_voice_activity_not_from_the_segments(corpus_dir):
    """A real call (dev-012) with 12 s of line noise put in after the debtor's first turn: the
    recogniser's segment runs over the silence (corpus_heldout5 c5-006) and it lost the debtor's
    next turn. The silence is heard where it is, the lost turn is no silence, and the dead-air
    rule reads the same silences as the metric."""
    from audit.rules.conduct import dead_air, silences
    from audit.rules.model import Parameters
    from pipelines.audio import load_audio

    call = load_audio(corpus_dir / "audio" / "dev-012.mp3").mono()
    cut, hold = int(10.9 * SAMPLE_RATE), 12.0
    quiet = np.random.default_rng(3).normal(0, 10 ** (-65 / 20), int(hold * SAMPLE_RATE)).astype(np.float32)
    mixed = np.concatenate([call[:cut], quiet, call[cut:]])
    audio = Audio(Path("dev-012-hold.wav"), mixed[None, :], SAMPLE_RATE, "1" * 64)
    segments = [Segment("agent", "agent", 0.45, 7.66, "您好是郭静女士吗"),
                Segment("debtor", "debtor", 8.31, 22.9, "你们今天已经打了好几次了"),  # runs over the hold
                Segment("agent", "agent", 23.3, 28.14, "您的借款已经逾期四十一天"),
                # the debtor's 28.9-31.3 s was not recognised: a 3.8 s gap between segments
                Segment("agent", "agent", 31.9, 34.1, "好的请您按时还款")]
    from pipelines.vad import share_vad, speech_regions

    speech_regions(audio.mono())  # the recogniser's skipped-speech search reads the mix's VAD first
    computed = share_vad().computed
    metrics = measure(audio, segments, stereo=False)
    assert share_vad().computed == computed  # the acoustics read the same probabilities: no second pass

    heard = silences(segments)
    longest = max(heard, key=lambda s: s[1] - s[0])
    assert 10.5 <= longest[0] <= 11.1 and 22.9 <= longest[1] <= 23.6  # the hold, inside a segment
    assert metrics["longest_silence_s"] == pytest.approx(longest[1] - longest[0], abs=0.01)
    assert all(b - a < 1.0 for a, b in heard if a > 28.14 and b < 31.9)  # lost speech is no silence
    assert segments[1].acoustics.silences == [list(longest)]  # stored on the segment it began in
    assert segments[3].acoustics.gap_before_s == pytest.approx(3.76)  # the segment gap stays what it was
    [stretch] = dead_air(segments, Parameters(dead_air_min_s=10.0))
    assert (stretch.details["gap_start"], stretch.details["gap_end"]) == pytest.approx(longest)


def test_a_voice_made_of_shouts_is_pitched_against_calm_speech():
    """A visit where the diarizer made the second collector's shouts a voice of their own (heldout6
    h6-012): the shouts have no calm segment of their voice to be compared with, so their pitch
    is against the party's calm speech, not against one another (the lowest shout would read
    −4.3 st against the other two and the raised-voice rule's pitch guard would drop it)."""
    n = 30 * SAMPLE_RATE
    track = RNG.normal(0, 1e-4, n).astype(np.float32)
    # (speaker, start, seconds, pitch Hz, level dBFS)
    turns = [("S0", 0.5, 3.0, 150, -24), ("S2", 4.0, 3.0, 220, -24), ("S0", 7.5, 3.0, 150, -24),
             ("S1", 11.0, 2.0, 200, -12), ("S1", 13.5, 2.0, 210, -12), ("S2", 16.0, 2.0, 220, -24),
             ("S1", 18.5, 2.0, 160, -12), ("S0", 21.0, 3.0, 150, -24), ("S0", 24.5, 3.0, 150, -24)]
    segments = []
    for speaker, start, seconds, f0, db in turns:
        place(track, start, voice(seconds, f0, db))
        segments.append(Segment(speaker, "debtor" if speaker == "S2" else "agent", start, start + seconds, "您好"))
    measure(Audio(Path("visit.wav"), track[None, :], SAMPLE_RATE, "0" * 64), segments, stereo=False)
    shouts = [s.acoustics for s in segments if s.speaker == "S1"]
    assert all(a.level_rel_db == pytest.approx(12, abs=1.5) for a in shouts)
    for a, f0 in zip(shouts, (200, 210, 160)):
        assert a.pitch_rel_st == pytest.approx(12 * np.log2(f0 / 150), abs=0.5)  # against S0's calm speech
    assert all(abs(s.acoustics.pitch_rel_st) < 0.5 for s in segments if s.speaker == "S0")
