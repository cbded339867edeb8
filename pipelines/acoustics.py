"""How each segment was said: loudness, pitch, pace, talking over the other party, silences.

What a supervisor hears and the words do not say. Every level and pitch is compared with the
*same speaker in the same call* (their median segment), so a quiet telephone line, a far-field
visit recorder or a gain control that moves a whole call changes nothing; a change within the
speaker does. The rule pack judges the figures (:mod:`audit.rules.conduct`); this module only
measures.

* **Loudness**: RMS of 10 ms frames, over the frames a simple energy detector calls speech, on
  the speaker's own channel of a stereo call and on the mix otherwise; also as a curve, one
  value every 0.25 s, for the call detail picture.
* **Pitch**: YIN (:func:`yin`, librosa's algorithm in plain numpy) on the segments only, at 8 kHz
  with a 10 ms hop, over the loud (voiced) frames: the median and the 10th–90th percentile range.
* **Pace**: characters per second of the segment (ASR word times).
* **Overlap**: stereo, both channels speaking at once (per-channel energy detector; a channel
  far below the other is echo or crosstalk, not a voice); mono, overlapping turns of the two
  parties (only a diarizer that models overlapped speech reports them).
* **Silence**: where the recording's voice activity (Silero VAD, the probabilities the recogniser
  and the diarizer already computed for the mix; on a stereo call the mix is silent only when
  both channels are) hears nobody, between the first and the last speech. Not the gaps between
  recognised segments: a segment can run over a silence, and speech the recogniser dropped is
  no silence.

Cost: a few milliseconds per minute of audio for the frame energies and about 1 % of real time
for the pitch (see docs/conduct.md for the measurement).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from audit.schema import Acoustics, Role, Segment
from pipelines.audio import SAMPLE_RATE, Audio
from pipelines.intervals import overlap

HOP_S = 0.01
STEP_S = 0.25
PITCH_RATE = 8000
PITCH_FMIN, PITCH_FMAX = 60.0, 500.0
_HOP = int(HOP_S * SAMPLE_RATE)
_SAID = re.compile(r"[\u3400-\u9fff]|[A-Za-z0-9]+")


@dataclass
class AcousticOptions:
    """Settings of the measurement (not of the judgement: that is the rule pack's)."""

    # a frame is speech this many dB over the channel's noise floor (its 10th percentile)
    speech_margin_db: float = 12.0
    # ... but never more than this far below the channel's loud frames (its 99th percentile)
    speech_range_db: float = 35.0
    fill_gap_s: float = 0.25  # a pause shorter than this inside speech is still speech
    min_run_s: float = 0.1  # a burst shorter than this is a click, not speech
    # another voice must already have been going this long when a speaker starts, to count as
    # starting over it (a reply that starts as the other one's last syllable fades is no overtalk)
    lead_s: float = 0.3
    # pauses shorter than this between phrases stay inside one turn (a speaker going on after a
    # breath does not start over anyone)
    pause_s: float = 0.6
    # stereo: speech on the other channel this far below ours is echo or crosstalk
    crosstalk_db: float = 20.0
    min_segment_s: float = 0.5  # shorter segments do not set a speaker's baseline
    # segments this loud over the party's median level set no reference pitch: a raised voice
    # raises the pitch, and a voice the diarizer made of shouts alone (a second collector's, on a
    # visit) compared with its own shouts reads below itself (the default pack's raised_voice_db)
    calm_max_db: float = 5.0
    # mono: find talk-overs in the sound (pipelines/overlap.py); the diarizer gives every
    # moment to one speaker, so its segments never overlap
    detect_overlap: bool = True
    # silences at least this long are kept on the segments (Acoustics.silences); shorter pauses
    # are the breaths and turn changes of ordinary speech
    min_silence_s: float = 0.5


def frame_db(x: np.ndarray) -> np.ndarray:
    """Level of each 10 ms frame in dBFS."""
    n = len(x) // _HOP
    if n == 0:
        return np.zeros(0)
    power = np.mean(np.square(x[: n * _HOP].reshape(n, _HOP), dtype=np.float64), axis=1)
    return 10 * np.log10(power + 1e-12)


def _fill(mask: np.ndarray, gap: int, shortest: int) -> np.ndarray:
    """Close pauses shorter than ``gap`` frames, then drop runs shorter than ``shortest``."""
    out = mask.copy()
    for value, limit in ((False, gap), (True, shortest)):
        for start, end in runs(out == value):
            if end - start < limit and (value or (start > 0 and end < len(out))):
                out[start:end] = not value
    return out


def runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """``[start, end)`` frame ranges where ``mask`` holds."""
    if not len(mask):
        return []
    padded = np.concatenate([[False], mask, [False]]).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist()))


def speech_mask(db: np.ndarray, options: AcousticOptions) -> np.ndarray:
    """Frames of speech in a channel, from its level alone."""
    if not len(db):
        return np.zeros(0, dtype=bool)
    floor, loud = np.percentile(db, 10), np.percentile(db, 99)
    threshold = max(floor + options.speech_margin_db, loud - options.speech_range_db)
    return _fill(db > threshold, int(options.fill_gap_s / HOP_S), int(options.min_run_s / HOP_S))


def said(text: str) -> int:
    """How much a text says: Chinese characters, plus one per Latin word or number."""
    return len(_SAID.findall(text or ""))


def _frames(seg: Segment, total: int) -> slice:
    return slice(min(total, int(seg.start / HOP_S)), min(total, max(int(seg.start / HOP_S) + 1, int(seg.end / HOP_S))))


def _power_db(db: np.ndarray) -> float | None:
    if not len(db):
        return None
    return float(10 * np.log10(np.mean(10 ** (db / 10)) + 1e-12))


def yin(y: np.ndarray, *, fmin: float, fmax: float, sr: int, frame_length: int, hop_length: int,
        trough_threshold: float = 0.1) -> np.ndarray:
    """Fundamental frequency (Hz) of each centred frame by YIN (de Cheveigné & Kawahara 2002).

    The same computation as ``librosa.yin`` (zero-padded centred frames, cumulative mean normalised
    difference, the first local minimum under ``trough_threshold`` or else the global minimum,
    parabolic refinement), in numpy alone: librosa's version compiles numba kernels on its first
    call, seconds that a short batch paid in every fresh process (docs/conduct.md, *Cost*).
    """
    y = np.pad(y, frame_length // 2)
    frames = sliding_window_view(y, frame_length)[::hop_length].T  # (frame_length, frames)
    min_period = int(np.floor(sr / fmax))
    max_period = min(int(np.ceil(sr / fmin)), frame_length - 1)
    n_fft = 1 << (2 * frame_length - 1).bit_length()
    spec = np.fft.rfft(frames, n=n_fft, axis=0)
    acf = np.fft.irfft(spec.real ** 2 + spec.imag ** 2, n=n_fft, axis=0)[: max_period + 1]
    energy = np.cumsum(np.square(frames), axis=0)
    diff = np.empty_like(energy[: max_period + 1])
    diff[0] = 0
    diff[1:] = 2 * (acf[0:1] - acf[1:]) - energy[:max_period]
    mean = np.cumsum(diff[1:], axis=0) / np.arange(1, max_period + 1, dtype=diff.dtype)[:, None]
    d = diff[min_period: max_period + 1] / (mean[min_period - 1: max_period] + np.finfo(mean.dtype).tiny)
    # parabolic refinement of each lag (none at the edges, none where it would leave the bin)
    a, b = d[2:] + d[:-2] - 2 * d[1:-1], (d[2:] - d[:-2]) / 2
    shifts = np.zeros_like(d)
    inside = np.abs(b) < np.abs(a)
    shifts[1:-1] = np.where(inside, -b / np.where(inside, a, 1), 0)
    trough = np.zeros(d.shape, dtype=bool)
    trough[0] = d[0] < d[1]
    trough[1:-1] = (d[1:-1] < d[:-2]) & (d[1:-1] <= d[2:])
    trough[-1] = d[-1] < d[-2]
    under = trough & (d < trough_threshold)
    lag = np.where(under.any(axis=0), np.argmax(under, axis=0), np.argmin(d, axis=0))
    return sr / (min_period + lag + shifts[lag, np.arange(d.shape[1])])


def _pitch(x: np.ndarray, db: np.ndarray, speech: np.ndarray) -> np.ndarray:
    """Pitch (Hz) of the loud voiced 10 ms frames of one segment."""
    from scipy.signal import resample_poly

    if len(x) < 0.1 * SAMPLE_RATE or not speech.any():
        return np.zeros(0)
    y = resample_poly(x, PITCH_RATE, SAMPLE_RATE).astype(np.float32)
    f0 = yin(y, fmin=PITCH_FMIN, fmax=PITCH_FMAX, sr=PITCH_RATE, frame_length=320,
             hop_length=int(HOP_S * PITCH_RATE))
    n = min(len(f0), len(db))
    f0, db, speech = f0[:n], db[:n], speech[:n]
    # vowels are the loud part of speech: frames within 12 dB of the segment's loud frames
    loud = speech & (db > np.percentile(db[speech], 90) - 12) if speech.any() else speech
    # YIN falls back to the search limits where nothing is periodic
    keep = loud & (f0 > PITCH_FMIN * 1.05) & (f0 < PITCH_FMAX * 0.95)
    return f0[keep]


@dataclass
class _Channel:
    db: np.ndarray
    speech: np.ndarray
    signal: np.ndarray


def _channel(x: np.ndarray, options: AcousticOptions) -> _Channel:
    db = frame_db(x)
    return _Channel(db, speech_mask(db, options), x)


def measure(audio: Audio, segments: list[Segment], *, stereo: bool,
            options: AcousticOptions | None = None) -> dict[str, Any]:
    """Measure every segment (its ``acoustics`` is set) and return the call's figures.

    Args:
        audio: the decoded recording.
        segments: the diarized, role-labelled segments, sorted by start; on a stereo call each
            carries its ``channel``.
        stereo: whether each party has its own channel (the segments' ``channel``).

    Returns:
        Call metrics: ``longest_silence_s`` (nobody speaking, from the voice activity),
        ``agent_pace_cps``,
        ``overtalk_s`` (seconds the collector spoke over the other party) and
        ``contact_overtalk_s`` (the other way round).
    """
    options = options or AcousticOptions()
    if stereo and audio.channels == 2:
        channels = [_channel(audio.channel(i), options) for i in (0, 1)]
    else:
        channels = [_channel(audio.mono(), options)]
        stereo = False
    total = len(channels[0].db)

    def own(seg: Segment) -> _Channel:
        return channels[seg.channel or 0] if stereo else channels[0]

    levels: list[float] = []
    for seg in segments:
        ch = own(seg)
        frames = _frames(seg, total)
        db, speech = ch.db[frames], ch.speech[frames]
        level = _power_db(db[speech]) if speech.any() else _power_db(db)
        levels.append(level if level is not None else -120.0)
        a, b = frames.start * _HOP, frames.stop * _HOP
        f0 = _pitch(ch.signal[a:b], db, speech)
        pitch = float(np.median(f0)) if len(f0) >= 10 else None
        spread = float(12 * np.log2(np.percentile(f0, 90) / np.percentile(f0, 10))) if pitch else None
        duration = max(seg.end - seg.start, 1e-3)
        seg.acoustics = Acoustics(level_db=round(levels[-1], 2), pitch_hz=None if pitch is None else round(pitch, 1),
                                  pitch_range_st=None if spread is None else round(spread, 2),
                                  rate_cps=round(said(seg.text) / duration, 2), step_s=STEP_S)
    _relative(segments, levels, channels, own, total, options)
    _place_silences(segments, silences(audio.mono(), options.min_silence_s))
    if stereo:
        _overlap_stereo(segments, channels, total, options)
    else:
        _overlap_mono(segments, options, audio)
    return _call_figures(segments)


def _relative(segments: list[Segment], levels: list[float], channels, own, total: int,
              options: AcousticOptions) -> None:
    """Levels against the party's own median in the call, pitch against the voice's calm speech
    (the party's where the voice has no other calm segment), and the loudness curve."""
    # The reference is the party (collectors, the debtor, a relative), not the diarized voice:
    # a shouting voice sounds so different that diarization often makes it a speaker of its
    # own, and a speaker made of shouts compared with itself never shouts.
    by_party: dict[str, list[int]] = {}
    for i, seg in enumerate(segments):
        by_party.setdefault(seg.role, []).append(i)
    steps = int(STEP_S / HOP_S)
    for indices in by_party.values():
        long = [i for i in indices if segments[i].end - segments[i].start >= options.min_segment_s] or indices
        base = float(np.median([levels[i] for i in long]))
        # the reference pitch is calm speech's: the long segments under ``calm_max_db`` (never
        # none: half of them are at or under their median level)
        calm = [i for i in long if levels[i] - base < options.calm_max_db]
        pitches = [segments[i].acoustics.pitch_hz for i in calm if segments[i].acoustics.pitch_hz]
        party_pitch = float(np.median(pitches)) if pitches else None
        for i in indices:
            seg, ac = segments[i], segments[i].acoustics
            ac.level_rel_db = round(levels[i] - base, 2)
            base_pitch = _voice_pitch(segments, calm, i) or party_pitch
            if ac.pitch_hz and base_pitch:
                ac.pitch_rel_st = round(float(12 * np.log2(ac.pitch_hz / base_pitch)), 2)
            ch = own(seg)
            frames = _frames(seg, total)
            curve: list[float | None] = []
            for lo in range(frames.start, frames.stop, steps):
                hi = min(lo + steps, frames.stop)
                speech = ch.speech[lo:hi]
                if hi - lo >= steps // 2 and speech.mean() >= 0.4:
                    curve.append(round((_power_db(ch.db[lo:hi][speech]) or -120.0) - base, 1))
                else:
                    curve.append(None)
            ac.loudness = curve
    end = 0.0
    for n, seg in enumerate(segments):
        seg.acoustics.gap_before_s = round(max(0.0, seg.start - end), 2) if n else None
        end = max(end, seg.end)


def silences(x16: np.ndarray, min_s: float = 0.5) -> list[tuple[float, float]]:
    """Stretches of at least ``min_s`` seconds where nobody speaks, between the first and the last
    speech of a 16 kHz mono signal (a stereo call's mix: silent only where both channels are).

    The voice activity is Silero VAD's (:func:`pipelines.vad.speech_regions`, no padding: a
    silence is what the VAD hears as none). Its probabilities are computed once per recording
    (:func:`pipelines.vad.share_vad`): the recogniser's skipped-speech search and the diarizer
    already read them for this same mix, so no second VAD pass runs here in a batch.
    """
    from pipelines.vad import speech_regions

    regions = speech_regions(x16, pad_ms=0)
    return [(round(a_end, 2), round(b_start, 2)) for (_, a_end), (b_start, _) in zip(regions, regions[1:])
            if b_start - a_end >= min_s]


def _place_silences(segments: list[Segment], found: list[tuple[float, float]]) -> None:
    """Each silence goes on the segment it begins in or after (before the next one begins; the
    first segment holds any before it), so the stored segments carry the recording's silences
    (:func:`audit.rules.conduct.silences` reads them back)."""
    for seg in segments:
        seg.acoustics.silences = []
    if not segments:
        return
    starts = [seg.start for seg in segments]
    for a, b in found:
        at = max(0, int(np.searchsorted(starts, a, side="right")) - 1)
        segments[at].acoustics.silences.append([a, b])


def _voice_pitch(segments: list[Segment], calm: list[int], i: int) -> float | None:
    """The median pitch of the *other* long calm segments of segment ``i``'s diarized voice (None
    when it has none). The loudness stays against the party (a shout the diarizer made a voice of
    its own would never be loud against itself); the pitch is against the voice, because two
    collectors of one party differ in pitch by several semitones: a shout by the lower voice
    reads below the party's median. Only calm segments count: a voice made of shouts alone
    (heldout6 h6-012: a second collector's three shouts) has no reference of its own, and
    against one another its shouts read anywhere from −3.6 to +4.9 st."""
    own = [segments[j].acoustics.pitch_hz for j in calm if j != i and segments[j].speaker == segments[i].speaker
           and segments[j].acoustics and segments[j].acoustics.pitch_hz]
    return float(np.median(own)) if own else None


def _is_agent(seg: Segment) -> bool:
    return seg.role == Role.AGENT.value


def _overlap_stereo(segments: list[Segment], channels: list[_Channel], total: int,
                    options: AcousticOptions) -> None:
    """Both channels speaking: a voice on each, neither one the other's echo.

    A talk-over is the start of a turn on one channel (voice after a pause of ``pause_s``)
    while the other channel's turn has been going for ``lead_s`` and its voice is heard; it
    lasts until either turn ends. The channel
    says when the voice began: the ASR's first word of a segment can be late, and words said
    over someone are often not recognised at all.
    """
    lead = int(options.lead_s / HOP_S)
    gap, shortest = int(options.fill_gap_s / HOP_S), int(options.min_run_s / HOP_S)
    pause = int(options.pause_s / HOP_S)
    voiced, turns = [], []
    for i in (0, 1):
        me, them = channels[i], channels[1 - i]
        voice = _fill(me.speech & (me.db > them.db - options.crosstalk_db), gap, shortest)
        voiced.append(voice)
        # a turn: voice with the pauses between phrases (up to pause_s) closed
        turns.append(runs(_fill(voice, pause, shortest)))
    for seg in segments:
        frames = _frames(seg, total)
        mine = seg.channel or 0
        both = voiced[mine][frames] & voiced[1 - mine][frames]
        seg.acoustics.overlap_s = round(float(both.sum()) * HOP_S, 2)
    for mine in (0, 1):
        own = [s for s in segments if (s.channel or 0) == mine]
        for onset, stop in turns[mine] if own else []:
            other = next(((a, b) for a, b in turns[1 - mine] if a <= onset - lead and onset < b), None)
            if other is None or not voiced[1 - mine][max(0, onset - gap):onset + gap].any():
                continue
            together = (min(other[1], stop) - onset) * HOP_S
            # the segment that holds this voice onset (the most of its first second)
            window = (onset * HOP_S, onset * HOP_S + 1.0)
            seg = max(own, key=lambda s: overlap(s.start, s.end, *window) - 1e-3 * abs(s.start - window[0]))
            if overlap(seg.start, seg.end, window[0], window[1] + 1.0) <= 0:
                continue  # nothing recognised there: no segment to hold it
            seg.acoustics.interrupt_s = round(max(seg.acoustics.interrupt_s, together), 2)


def _overlap_mono(segments: list[Segment], options: AcousticOptions, audio: Audio | None = None) -> None:
    """One mix: overlapping turns of the two parties, as a diarizer that models overlapped
    speech reports them, and the talk-overs found in the sound (:mod:`pipelines.overlap`):
    the embedded diarizer gives every moment to one speaker (see docs/conduct.md)."""
    for n, seg in enumerate(segments):
        for prev in segments[:n]:
            if _is_agent(prev) == _is_agent(seg) or prev.end <= seg.start:
                continue
            shared = overlap(prev.start, prev.end, seg.start, seg.end)
            seg.acoustics.overlap_s = round(seg.acoustics.overlap_s + shared, 2)
            prev.acoustics.overlap_s = round(prev.acoustics.overlap_s + shared, 2)
            if seg.start - prev.start >= options.lead_s:
                seg.acoustics.interrupt_s = round(max(seg.acoustics.interrupt_s,
                                                      min(prev.end, seg.end) - seg.start), 2)
    # -- talk-overs heard in the mix (pipelines/overlap.py, pipelines/talkover.py) --
    if audio is None or not options.detect_overlap or not segments:
        return
    from pipelines.talkover import talk_overs

    for found in talk_overs(audio.mono(), segments):
        seconds = found.overlap.duration
        me, them = segments[found.interrupter].acoustics, segments[found.interrupted].acoustics
        me.interrupt_s = round(max(me.interrupt_s, seconds), 2)
        me.overlap_s = round(me.overlap_s + seconds, 2)
        them.overlap_s = round(them.overlap_s + seconds, 2)


def _call_figures(segments: list[Segment]) -> dict[str, Any]:
    from audit.rules.conduct import silences as heard_silences

    agent = [s for s in segments if _is_agent(s)]
    other = [s for s in segments if not _is_agent(s)]
    # the dead-air rule's own reading of the stored segments: metric and finding agree
    quiet = [b - a for a, b in heard_silences(segments)]
    agent_time = sum(s.end - s.start for s in agent)
    return {
        "longest_silence_s": round(max(quiet), 2) if quiet else 0.0,
        "agent_pace_cps": round(sum(said(s.text) for s in agent) / agent_time, 2) if agent_time > 0 else None,
        "overtalk_s": round(sum(s.acoustics.interrupt_s for s in agent), 2),
        "contact_overtalk_s": round(sum(s.acoustics.interrupt_s for s in other), 2),
    }
