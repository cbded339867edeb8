"""Collector voiceprints from audio: enrollment embeddings and identification of collector voices.

**Same band on both sides.** A stereo call reaches us as 8 kHz telephone audio (300-3400 Hz);
a home visit is 16 kHz room audio. The channel change moves a GE2E embedding more than a change
of speaker does, so every stretch is taken down to the telephone band (8 kHz, 300-3400 Hz
band-pass, back to 16 kHz for the encoder) before it is embedded: enrollment and
identification compare voices in the same band.

**Enrollment** (:func:`enrollment_chunks`): the collector channel of a stereo call (or a file
given to ``audit voices enroll``) → VAD → one embedding per stretch of at least
``audit.voiceprints.MIN_CHUNK_S`` of speech (the mean of its 1.6 s window embeddings).

**Channel compensation.** Band-limiting is not enough: the room's reverberation and noise still
move every embedding the same way. The mean embedding of each channel (telephone: enrollment
stretches; room: collector voices of visits), measured on the calibration corpus's tune split
and shipped in ``pipelines/data/voices/channel_means.json``, is subtracted before comparing
(:func:`compensate`); on the calibration corpus this took the room-vs-phone EER from 23 % to
16 % on tune and from 31 % to 19 % held out. Re-fit it on a bank's own recordings with
``benchmarks/voices_calibrate.py --fit-means``.

**Identification** (:func:`identify`): on a mono call or visit, each collector-side speaker (a
cluster of the diarization, not a single turn: a cluster's many seconds give a steadier
embedding) is embedded and scored against the profiles of the candidates - the collectors the
log names and their team. Scores are normalised against the cohort of the other enrolled
profiles (symmetric s-norm), collectors are matched to clusters one-to-one (Hungarian
assignment, a logged collector preferred by :data:`LOGGED_BONUS`), and a cluster that reaches no
candidate's level (:func:`accept_levels`, from the profile's own held-back score) gets ``unregistered``,
unless its best candidate is logged and it sounds that much more like them than the recording's
non-collector voices do (:data:`DEBTOR_MARGIN`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from audit.schema import Contact, Role, Segment
from audit.voiceprints import MIN_CHUNK_S, UNREGISTERED, Chunk, Profile
from pipelines.audio import SAMPLE_RATE
from pipelines.voice_words import cut_points, segment_words, word_part

# thresholds on the s-normalised score, calibrated on benchmarks/corpus_voices (docs in README)
ACCEPT = 0.4            # a voice scoring lower is "unregistered" (not attributed, raised by VISIT_STAFFING) where
# a profile has no held-back score; 0.8 / 0.65 / 0.4 in rounds 1 / 2 / session 7 (docs/voiceprints.md)
ACCEPT_SCALE: float | None = 0.35  # otherwise the level is this share of the profile's own held-back score
# (accept_levels; 0.46 in session 8; 0.35: the highest with <= 5 % of registered voices called unregistered over six
# sets pooled, corpus_heldout7 included; docs/voiceprints.md, Session 9 round 2). None: ACCEPT
MIN_SPAN_S = 0.3        # a shorter span says too little of a voice to embed
LOGGED_BONUS = 2.0      # a collector the log names is preferred over a team-mate by this much
ONE_TO_ONE = True       # one collector per cluster and one cluster per collector (Hungarian)
ASSIGN_PASSING = True   # ... among the clusters some candidate passes ACCEPT for (session 8; False: all clusters)
DEBTOR_MARGIN: float | None = 1.0  # a cluster whose best candidate is logged passes for it under its level when it
# scores this much above every non-collector cluster of the recording (its own impostors, same room; session 9 round 2)
ROOM_COHORT = True      # turn-level correction of room audio: the s-norm's profile side against the shipped room
# cohort, not the other (telephone) profiles (pipelines/voice_cohort.py; session 9, docs/voiceprints.md, Session 9; the
# cluster matching keeps the telephone cohort: there it cost stand-ins caught)
CHUNK_MAX_S = 40.0      # a longer enrollment stretch is split
SEGMENT_PRIOR: float | None = 0.5  # turn-level correction: the cluster's collector is favoured by this (None: off)
SEGMENT_MIN_S = 0.6     # shorter collector segments keep their cluster's collector (round 3; was 1.0)
WINDOW_FILL = "zeros"   # a collector segment shorter than the encoder's 1.6 s window: how it is filled
WINDOW_STEP_S = 0.8     # the hop of the 1.6 s windows a segment is cut into
SPLIT = False           # cut a collector segment holding two collectors' lines at a word pause (split_segments;
# off: on the calibration corpus it never fired at a safe margin, docs/voiceprints.md round 3)
SPLIT_PAUSE_S = 0.3     # ... a cut only after a sentence's end or at a pause this long between words
SENTENCE_ENDS = "。？！?!."
SPLIT_PART_S = 1.0      # word-pause split: each part of a collector segment holds at least this much
SPLIT_CUTS = 1          # ... the word pauses tried per segment (the longest ones; 3 was worse on tune)
SPLIT_MARGIN = 1.0      # ... the parts' disagreement (see split_segments) needed to cut
SPLIT_FILL = "zeros"    # ... how a part shorter than the encoder's 1.6 s window is filled (embed_windows)


MEANS_FILE = Path(__file__).parent / "data" / "voices" / "channel_means.json"
_MEANS: dict[str, np.ndarray] | None = None


def channel_means() -> dict[str, np.ndarray]:
    """The mean embedding per channel (``phone``, ``room``); empty when none is shipped."""
    global _MEANS
    if _MEANS is None:
        raw = json.loads(MEANS_FILE.read_text()) if MEANS_FILE.exists() else {}
        _MEANS = {k: np.asarray(v, dtype=np.float64) for k, v in raw.items() if k in ("phone", "room")}
    return _MEANS


def compensate(vectors: np.ndarray, channel: str) -> np.ndarray:
    """Embeddings with their channel's mean removed, unit length again (as they are without a mean)."""
    mean = channel_means().get(channel)
    v = np.asarray(vectors, dtype=np.float64)
    if mean is None:
        return v
    w = v - mean
    return w / np.maximum(np.linalg.norm(w, axis=-1, keepdims=True), 1e-9)


def profile_vector(profile: Profile) -> np.ndarray:
    """A profile's voice for comparison: its kept (telephone) stretches, compensated, averaged."""
    kept = profile.kept
    vectors = compensate(np.array([c.embedding for c in kept], dtype=np.float64), "phone")
    weights = np.array([c.seconds for c in kept])
    mean = (vectors * weights[:, None]).sum(axis=0)
    return mean / max(float(np.linalg.norm(mean)), 1e-9)


def _phone_space(vectors: np.ndarray) -> np.ndarray:
    return compensate(vectors, "phone")


# how enrollment judges outliers: in the compensated telephone space, a stretch whose mean cosine
# to the others is 0.1 below the median. Calibration corpus, the two seat-borrowing calls put
# into each of the 24 profiles (3 genuine calls each): 38/48 rejected, 0/144 genuine stretches
# rejected (raw embeddings at the core's default 0.08: 24/48)
OUTLIERS: dict[str, Any] = {"margin": 0.1, "compare": _phone_space}


def telephone_band(audio: np.ndarray) -> np.ndarray:
    """16 kHz audio taken down to the telephone band (8 kHz, 300-3400 Hz) and back to 16 kHz."""
    from scipy.signal import butter, resample_poly, sosfiltfilt

    x = np.asarray(audio, dtype=np.float64)
    if x.size < 64:
        return x.astype(np.float32)
    narrow = resample_poly(x, 1, 2)
    sos = butter(6, [300, 3400], btype="bandpass", fs=SAMPLE_RATE // 2, output="sos")
    narrow = sosfiltfilt(sos, narrow)
    return resample_poly(narrow, 2, 1)[: x.size].astype(np.float32)


def embed_spans(audio: np.ndarray, spans: Sequence[tuple[float, float]]) -> np.ndarray:
    """One unit embedding for all of ``spans`` of 16 kHz ``audio`` together, in the telephone band."""
    from pipelines.diarization.embedding import embed_windows, unit

    spans = [(s, e) for s, e in spans if e - s > MIN_SPAN_S]
    if not spans:
        return np.zeros(256, np.float32)
    lo, hi = min(s for s, _ in spans), max(e for _, e in spans)
    band = telephone_band(audio[int(lo * SAMPLE_RATE):int(hi * SAMPLE_RATE) + 1])
    windows = embed_windows(band, [(s - lo, e - lo) for s, e in spans])
    stacked = np.concatenate([w for w in windows if len(w)]) if any(len(w) for w in windows) else np.zeros((1, 256))
    return unit(stacked.mean(axis=0)).astype(np.float32)


def enrollment_chunks(channel: np.ndarray, source: str, *, spans: Sequence[tuple[float, float]] | None = None
                      ) -> list[Chunk]:
    """Embeddings of one collector's speech (a stereo call's collector channel, or a file).

    The speech found by the VAD (or ``spans``) is cut into stretches of at most
    :data:`CHUNK_MAX_S` seconds; stretches under ``MIN_CHUNK_S`` are left out (an empty list
    for a call with too little collector speech).
    """
    if spans is None:
        from pipelines.vad import speech_regions

        spans = speech_regions(channel)
    groups: list[list[tuple[float, float]]] = [[]]
    for span in spans:
        if sum(e - s for s, e in groups[-1]) >= CHUNK_MAX_S:
            groups.append([])
        groups[-1].append(span)
    if len(groups) > 1 and sum(e - s for s, e in groups[-1]) < MIN_CHUNK_S:
        groups[-2] += groups.pop()
    chunks = []
    for i, group in enumerate(groups):
        seconds = sum(e - s for s, e in group)
        if seconds >= MIN_CHUNK_S:
            name = source if len(groups) == 1 else f"{source}#{i}"
            chunks.append(Chunk(embedding=embed_spans(channel, group).tolist(), seconds=round(seconds, 2), source=name))
    return chunks


@dataclass
class VoiceMatch:
    """What identification decided for one collector-side speaker of a mono recording."""

    speaker: str
    agent_id: str          # an agent id, or "unregistered"
    score: float | None    # the s-normalised score of the chosen (or best) profile
    seconds: float
    best: str | None = None  # the best-scoring candidate, even when not accepted

    def to_dict(self) -> dict[str, Any]:
        return {"speaker": self.speaker, "agent_id": self.agent_id, "best": self.best,
                "score": None if self.score is None else round(self.score, 3), "seconds": round(self.seconds, 1)}


def candidates(contact: Contact, profiles: dict[str, Profile]) -> tuple[list[str], set[str]]:
    """The usable profiles of the collectors the log names, then their team's; and the logged ids."""
    logged = [contact.agent_id, *contact.visit_staff_ids]
    logged = [a for a in dict.fromkeys(logged) if a]
    teams = {contact.team} | {profiles[a].team for a in logged if a in profiles}
    team = sorted(a for a, p in profiles.items() if p.team and p.team in teams)
    names = [a for a in dict.fromkeys([*logged, *team]) if a in profiles and profiles[a].ready]
    return names, set(logged)


def snorm_scores(vectors: np.ndarray, names: list[str], profiles: dict[str, Profile], *, room: bool = False
                 ) -> np.ndarray:
    """Symmetric s-norm of cosine scores: ``vectors`` (n × 256) against the ``names`` profiles.

    Each raw score is standardised against the test voice's scores with every *other* ready
    profile (the cohort) and against the profile's scores with the other profiles' centroids,
    and the two are averaged. With fewer than three other profiles the raw cosine is scaled to
    a comparable range instead, (cos - 0.5) / 0.1 (the compensated cosine's equal-error point is
    near 0.5 on the calibration corpus). ``room``: the profile side against the shipped room
    cohort instead (:mod:`pipelines.voice_cohort`; the other profiles when none is shipped).
    """
    from pipelines.voice_cohort import profile_side, room_cohort

    ready = [a for a, p in profiles.items() if p.ready]
    cents = {a: profile_vector(profiles[a]) for a in ready}
    raw = np.array([[float(v @ cents[a]) for a in names] for v in vectors]).reshape(len(vectors), len(names))
    if len(ready) < 4:
        return (raw - 0.5) / 0.1
    out, room_voices = np.zeros_like(raw), room_cohort() if room else None
    for j, a in enumerate(names):
        cohort = np.stack([cents[b] for b in ready if b != a])
        mu, sd = profile_side(cents[a][None, :], cohort if room_voices is None else room_voices)
        mu_p, sd_p = float(mu[0]), float(sd[0])
        for i, v in enumerate(vectors):
            test = cohort @ v
            mu_t, sd_t = float(test.mean()), float(test.std()) + 1e-3
            out[i, j] = 0.5 * ((raw[i, j] - mu_t) / sd_t + (raw[i, j] - mu_p) / sd_p)
    return out


def self_score(agent_id: str, profiles: dict[str, Profile]) -> float | None:
    """How well a profile knows its own voice: each kept stretch left out in turn and scored like a
    test voice (compensated, s-normalised against the other ready profiles) against the profile of
    the others; the median. None with fewer than two kept stretches or four ready profiles. Voices
    alike score low against a cohort of each other, their own too, so the level a genuine voice
    reaches is the profile set's (corpus_voices 1.06-2.78, corpus_heldout5 0.62-2.67)."""
    profile = profiles.get(agent_id)
    ready = [a for a, p in profiles.items() if p.ready and a != agent_id]
    if profile is None or len(profile.kept) < 2 or len(ready) < 3:
        return None
    cohort, kept, scores = np.stack([profile_vector(profiles[a]) for a in ready]), profile.kept, []
    for i, chunk in enumerate(kept):
        centre = profile_vector(Profile(agent_id, kept[:i] + kept[i + 1:]))
        test = compensate(np.asarray([chunk.embedding], dtype=np.float64), "phone")[0]
        raw, t, q = float(test @ centre), cohort @ test, cohort @ centre
        scores.append(0.5 * ((raw - t.mean()) / (t.std() + 1e-3) + (raw - q.mean()) / (q.std() + 1e-3)))
    return float(np.median(scores))


def accept_levels(names: Sequence[str], profiles: dict[str, Profile], accept: float | None = None) -> np.ndarray:
    """The score a voice must reach for each of ``names``: ``accept`` when given (a sweep), else
    :data:`ACCEPT_SCALE` x :func:`self_score` (:data:`ACCEPT` without one, or without the scale)."""
    if accept is not None or ACCEPT_SCALE is None:
        return np.full(len(names), ACCEPT if accept is None else accept)
    return np.array([ACCEPT if (v := self_score(a, profiles)) is None else ACCEPT_SCALE * v for a in names])


def collector_clusters(segments: Sequence[Segment]) -> dict[str, list[tuple[float, float]]]:
    """The spans of each collector-side speaker label."""
    spans: dict[str, list[tuple[float, float]]] = {}
    for seg in segments:
        if seg.role == Role.AGENT.value:
            spans.setdefault(seg.speaker, []).append((seg.start, seg.end))
    return spans


def _levels(names: Sequence[str], profiles: dict[str, Profile], known: Mapping[str, float] | None,
            accept: float | None = None) -> np.ndarray:
    return np.array([known[a] for a in names]) if known else accept_levels(names, profiles, accept)  # known: once


def match(vectors: np.ndarray, speakers: list[str], seconds: list[float], contact: Contact,
          profiles: dict[str, Profile], *, accept: float | None = None, one_to_one: bool | None = None,
          known: Mapping[str, float] | None = None, others: np.ndarray | None = None) -> list[VoiceMatch]:
    """Assign collector clusters to enrolled collectors one-to-one (see the module docstring).
    ``others``: the vectors of the recording's non-collector clusters (:data:`DEBTOR_MARGIN`).

    ``accept`` and ``one_to_one`` default to :data:`ACCEPT` and :data:`ONE_TO_ONE` as they are
    when called (a benchmark's ``--set ACCEPT=...`` must reach them); ``known``: identify's levels of every name."""
    from scipy.optimize import linear_sum_assignment

    one_to_one = ONE_TO_ONE if one_to_one is None else one_to_one

    names, logged = candidates(contact, profiles)
    if not speakers:
        return []
    if not names:
        return [VoiceMatch(s, UNREGISTERED, None, sec) for s, sec in zip(speakers, seconds, strict=True)]
    levels = _levels(names, profiles, known if accept is None else None, accept)
    scores = snorm_scores(vectors, names, profiles)
    passes = scores >= levels[None, :]
    if DEBTOR_MARGIN is not None and others is not None and len(others):
        side = snorm_scores(others, names, profiles).max(axis=0)  # the best any non-collector voice reaches
        for i, j in enumerate(scores.argmax(axis=1).tolist()):
            passes[i, j] |= names[j] in logged and scores[i, j] - side[j] >= DEBTOR_MARGIN
    gain = scores + np.array([LOGGED_BONUS if a in logged else 0.0 for a in names])[None, :]
    if one_to_one:
        # a cluster that passes for nobody (a debtor given the collector role, a stand-in) is left out of
        # the assignment: its least bad candidate must not decide who the others are (ASSIGN_PASSING)
        rows_in = [i for i in range(len(speakers)) if not ASSIGN_PASSING or passes[i].any()]
        rows, cols = linear_sum_assignment(-gain[rows_in]) if rows_in else (np.zeros(0, int), np.zeros(0, int))
        chosen = {rows_in[i]: j for i, j in zip(rows.tolist(), cols.tolist(), strict=True)}
    else:
        chosen = {i: int(np.argmax(gain[i])) for i in range(len(speakers))}
    out = []
    taken = {j for i, j in chosen.items() if passes[i, j]}
    for i, speaker in enumerate(speakers):
        j = chosen.get(i)
        best = int(np.argmax(scores[i] - levels))  # the candidate the voice passes by most
        if j is not None and passes[i, j]:
            out.append(VoiceMatch(speaker, names[j], float(scores[i, j]), seconds[i], names[best]))
        elif passes[i, best] and best in taken:
            # the voice of a collector another cluster already is: one voice the diarization
            # split in two (it was told to find as many collectors as the log names)
            out.append(VoiceMatch(speaker, names[best], float(scores[i, best]), seconds[i], names[best]))
        else:
            out.append(VoiceMatch(speaker, UNREGISTERED, float(scores[i, best]), seconds[i], names[best]))
    return out


def refine_segments(contact: Contact, mono: np.ndarray, segments: list[Segment], profiles: dict[str, Profile],
                    channel: str, matches: list[VoiceMatch], *, prior: float | None = None,
                    min_s: float | None = None, windows: dict[int, np.ndarray] | None = None,
                    known: Mapping[str, float] | None = None) -> None:
    """Turn-level correction inside the collector side: the diarization sometimes puts two
    collectors' turns in one cluster. Each collector segment of at least ``min_s`` seconds is
    scored against the collectors heard here and the logged ones with a voiceprint, its
    cluster's collector favoured by ``prior``; the best one takes the segment if the segment's
    own score passes ``ACCEPT``. Room audio: the profile side of the s-norm against the room cohort
    (:data:`ROOM_COHORT`). Segments of unregistered clusters are left alone. ``windows``:
    the window embeddings of each segment (by ``id``) when already computed."""
    prior = SEGMENT_PRIOR if prior is None else prior
    min_s = SEGMENT_MIN_S if min_s is None else min_s
    names = _heard_and_logged(contact, profiles, matches)
    # an unregistered cluster is left alone: it is nobody enrolled, a turn of it must not become one
    long = [s for s in segments if s.role == Role.AGENT.value and s.end - s.start >= min_s
            and s.agent_id in profiles]
    if len(names) < 2 or not long or prior is None:
        return
    missing = [s for s in long if windows is None or id(s) not in windows]
    windows = {**(windows or {}), **segment_windows(mono, missing)}
    vectors = compensate(np.stack([_mean_unit(windows[id(s)]) for s in long]), channel)
    scores = snorm_scores(vectors, names, profiles, room=ROOM_COHORT and channel == "room")
    passing = _levels(names, profiles, known)
    for seg, row in zip(long, scores, strict=True):
        gain = row + np.array([prior if a == seg.agent_id else 0.0 for a in names])
        best = int(np.argmax(gain))
        if row[best] >= passing[best]:  # only to a collector the turn itself sounds like
            seg.agent_id = names[best]


def _heard_and_logged(contact: Contact, profiles: dict[str, Profile], matches: list[VoiceMatch]) -> list[str]:
    """The collectors a turn may be given: those heard here, then the logged ones with a voiceprint."""
    logged = [a for a in dict.fromkeys([contact.agent_id, *contact.visit_staff_ids]) if a in profiles
              and profiles[a].ready]
    heard = [m.agent_id for m in matches if m.agent_id in profiles]
    return list(dict.fromkeys([*heard, *logged]))


def segment_windows(mono: np.ndarray, segments: Sequence[Segment], *, band: np.ndarray | None = None
                    ) -> dict[int, np.ndarray]:
    """The 1.6 s window embeddings of each segment (by ``id``), in the telephone band: the
    recording is band-limited once (``band``: already done) and all windows go through the
    encoder in one pass (the cluster embeddings and the turn-level correction share them)."""
    from pipelines.diarization.embedding import embed_windows

    spans = [(s.start, s.end) for s in segments]
    if not spans:
        return {}
    if band is None:
        band = recording_band(mono, max(e for _, e in spans))
    return {id(s): w for s, w in zip(segments, embed_windows(band, spans, fill=WINDOW_FILL, step_s=WINDOW_STEP_S),
                                     strict=True)}


def recording_band(mono: np.ndarray, end: float) -> np.ndarray:
    """The recording up to ``end`` seconds, in the telephone band (:func:`telephone_band`)."""
    return telephone_band(mono[:int(end * SAMPLE_RATE) + 1])


def split_segments(mono: np.ndarray, segments: list[Segment], words: Sequence[Any], profiles: dict[str, Profile],
                   channel: str, names: list[str], *, text_of: Callable[[list[Any]], str] | None = None,
                   band: np.ndarray | None = None, part_s: float | None = None, cuts: int | None = None,
                   margin: float | None = None, known: Mapping[str, float] | None = None) -> int:
    """Cut collector segments that hold two collectors' lines at the word pause where their
    voices disagree; each part takes its own collector. ``segments`` is changed in place.

    A segment of a registered collector (``agent_id`` a profile) long enough for two parts of
    ``part_s`` is tried at its ``cuts`` best cut points (:func:`pipelines.voice_words.cut_points`: a sentence's end or
    a pause, never inside a phrase); each part is embedded and scored
    against ``names`` (s-norm). A cut is made where the parts' best collectors differ, both
    parts' own scores pass ``ACCEPT``, and the disagreement - how much more the left part sounds
    like its collector than like the right one's, plus the same for the right part - is at
    least ``margin``; of several, the one with the largest disagreement. ``text_of`` gives a
    part's text from its words (the recogniser's corrections); the words joined otherwise.
    Returns the number of cuts.
    """
    from pipelines.diarization.embedding import embed_windows

    part_s = SPLIT_PART_S if part_s is None else part_s
    cuts = SPLIT_CUTS if cuts is None else cuts
    margin = SPLIT_MARGIN if margin is None else margin
    if len(names) < 2 or not words:
        return 0
    tried: list[tuple[Segment, list[Any], list[int]]] = []
    for seg in segments:
        if seg.role != Role.AGENT.value or seg.agent_id not in profiles or seg.end - seg.start < 2 * part_s:
            continue
        said = segment_words(seg, words)
        points = cut_points(seg, said, part_s, cuts, SPLIT_PAUSE_S, SENTENCE_ENDS)
        if points:
            tried.append((seg, said, points))
    if not tried:
        return 0
    spans = [span for seg, said, points in tried for i in points
             for span in ((seg.start, said[i - 1].end), (said[i].start, seg.end))]
    if band is None:
        band = recording_band(mono, max(e for _, e in spans))
    vectors = compensate(np.stack([_mean_unit(w) for w in embed_windows(band, spans, fill=SPLIT_FILL)]), channel)
    scores = snorm_scores(vectors, names, profiles, room=ROOM_COHORT and channel == "room")
    passing = _levels(names, profiles, known)
    join = text_of or (lambda ws: "".join(w.text for w in ws).strip())
    row, made = 0, 0
    for seg, said, points in tried:
        best: tuple[float, int, int, int] | None = None
        for i in points:
            one, two = scores[row], scores[row + 1]
            row += 2
            a, b = int(np.argmax(one)), int(np.argmax(two))
            if a == b or one[a] < passing[a] or two[b] < passing[b]:
                continue
            gap = float(one[a] - one[b] + two[b] - two[a])
            if gap >= margin and (best is None or gap > best[0]):
                best = (gap, i, a, b)
        if best is None:
            continue
        _, i, a, b = best
        at = next(k for k, x in enumerate(segments) if x is seg)
        left, right = said[:i], said[i:]
        parts = [word_part(seg, seg.start, round(left[-1].end, 3), left, names[a], join),
                 word_part(seg, round(right[0].start, 3), seg.end, right, names[b], join)]
        segments[at:at + 1] = parts
        made += 1
    return made


def _mean_unit(windows: np.ndarray | Sequence[np.ndarray]) -> np.ndarray:
    """The unit mean of window embeddings (what :func:`embed_spans` gives for their spans)."""
    parts = [w for w in ([windows] if isinstance(windows, np.ndarray) else windows) if len(w)]
    if not parts:
        return np.zeros(256, np.float32)
    mean = np.concatenate(parts).mean(axis=0)
    return (mean / max(float(np.linalg.norm(mean)), 1e-9)).astype(np.float32)


def identify(contact: Contact, mono: np.ndarray, segments: list[Segment], profiles: dict[str, Profile],
             channel: str = "room", *, words: Sequence[Any] | None = None,
             text_of: Callable[[list[Any]], str] | None = None) -> dict[str, Any]:
    """Give each collector segment of a mono recording the speaking collector's agent id.

    ``channel``: ``room`` (a visit recorder) or ``phone`` (a mono telephone recording), whose
    mean embedding is removed (:func:`compensate`).
    Sets ``segment.agent_id`` in place and returns the metrics the staffing rule reads:
    ``collector_voices`` (one :class:`VoiceMatch` dict per collector speaker) and
    ``logged_staff`` (the ids the log names). With the recognised ``words`` (objects with
    ``start``, ``end``, ``text``, ``probability``) and :data:`SPLIT` on, a collector segment
    holding two collectors' lines is cut in two (:func:`split_segments`; ``segments`` changes in
    place, ``text_of`` gives a part's text from its words; ``voice_splits`` counts the cuts).
    """
    clusters = collector_clusters(segments)
    speakers = list(clusters)
    seconds = [sum(e - s for s, e in clusters[s]) for s in speakers]
    collector = [s for s in segments if s.role == Role.AGENT.value and s.end - s.start > MIN_SPAN_S]
    # the non-collector voices too, in the same pass of the encoder (DEBTOR_MARGIN: the recording's impostors)
    rest = [s for s in segments if s.role != Role.AGENT.value and s.end - s.start > MIN_SPAN_S] \
        if collector and DEBTOR_MARGIN is not None else []
    band = recording_band(mono, max(s.end for s in collector + rest)) if collector else None
    windows = segment_windows(mono, collector + rest, band=band)
    vectors = np.stack([_mean_unit([windows[id(s)] for s in collector if s.speaker == k]) for k in speakers]) \
        if speakers else np.zeros((0, 256))
    vectors = compensate(vectors, channel)
    names, _ = candidates(contact, profiles)  # match, refine_segments, split_segments: the levels (known) once
    known = dict(zip(names, accept_levels(names, profiles).tolist(), strict=True)) if speakers else {}
    others = [_mean_unit([windows[id(t)] for t in rest if t.speaker == k]) for k in {t.speaker: 0 for t in rest}]
    others_v = compensate(np.stack([o for o in others if o.any()]), channel) if any(o.any() for o in others) else None
    matches = match(vectors, speakers, seconds, contact, profiles, known=known, others=others_v)
    by_speaker = {m.speaker: m.agent_id for m in matches}
    for seg in segments:
        if seg.role == Role.AGENT.value:
            seg.agent_id = by_speaker.get(seg.speaker)
    if SEGMENT_PRIOR is not None:
        refine_segments(contact, mono, segments, profiles, channel, matches, windows=windows, known=known)
    splits = 0
    if words is not None and SPLIT:
        splits = split_segments(mono, segments, words, profiles, channel, _heard_and_logged(contact, profiles, matches),
                                text_of=text_of, band=band, known=known)
    return {"collector_voices": [m.to_dict() for m in matches],
            "logged_staff": [a for a in dict.fromkeys([contact.agent_id, *contact.visit_staff_ids]) if a],
            "logged_with_profile": [a for a in dict.fromkeys([contact.agent_id, *contact.visit_staff_ids])
                                    if a in profiles and profiles[a].ready],
            "voice_candidates": names, "voice_splits": splits}
