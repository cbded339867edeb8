"""Turn one recording into a diarized, role-labelled transcript with per-call metrics.

Order (as in whisperX): ASR with word timestamps → diarization → words assigned to speakers by
interval overlap → roles. With the embedded diarizer, speakers and roles of a mono recording
are decided together from the voices and the words (:mod:`pipelines.speakers`). A stereo call
skips ML diarization: each channel is one party, the collector on the channel the manifest
names.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from audit.schema import Contact, Role, Segment, Transcript
from audit.text import to_simplified
from pipelines.asr import EMBEDDED, AsrEngine, AsrOptions, AsrSegment, Word, get_engine
from pipelines.audio import SAMPLE_RATE, Audio
from pipelines.diarization import expected_speakers, get_diarizer
from pipelines.diarization.clustering import anchor_pieces, estimate_count, speaker_names, to_turns
from pipelines.intervals import closest_span
from pipelines.roles import assign_roles, expected_agents, party_role_for
from pipelines.vocabulary import call_corrector, call_vocabulary

Hook = Callable[..., None]
Correct = Callable[[str], str]  # a call's corrector (pipelines.correct.Corrector)
# Speaker labels of a stereo recording's two channels (``segment.speaker``, ``audit transcripts``).
# The other party's channel keeps the label "contact" that stored segments and users' transcript
# exports already carry, although the person is the *party* (README.md, Glossary).
AGENT_CHANNEL, PARTY_CHANNEL = "agent", "contact"


def _no_hook(step: str, artifact: Any = None, **kwargs) -> None:
    return None


@dataclass
class PipelineOptions:
    """Engine choices and their settings."""

    asr: str = "faster-whisper"
    asr_model: str = EMBEDDED
    diarizer: str = "embedded"
    diarizer_options: dict[str, Any] = field(default_factory=dict)
    device: str = "auto"
    cpu_threads: int = 0
    asr_options: AsrOptions = field(default_factory=AsrOptions)
    # which of the call's words go to the decoder where ``asr_options.vocabulary_to`` sends them:
    # "all", or "people" (pipelines.vocabulary.Vocabulary.decoder_words)
    vocabulary_words: str = "all"
    max_pause_s: float = 0.6  # a pause this long inside one party's speech starts a new segment
    # weight of the words against the voice when a mono recording's speakers and roles are
    # decided together (pipelines.speakers.attribute); None: the voice alone groups speakers
    text_weight: float | None = 0.1
    # measure how each segment was said (loudness, pitch, pace, overlap; pipelines.acoustics)
    acoustics: bool = True
    # collector voiceprints (audit.voiceprints.Profile by agent id): collector voices of mono
    # recordings are identified against them (pipelines.voices); None or empty: not done
    voiceprints: dict[str, Any] | None = None


def hotwords(contact: Contact) -> list[str]:
    """Per-call vocabulary the log already knows (:func:`pipelines.vocabulary.call_vocabulary`)."""
    return call_vocabulary(contact).words()


class Pipeline:
    """Loads the engines once (lazily) and processes recordings one after another."""

    def __init__(self, options: PipelineOptions | None = None, hook: Hook | None = None):
        self.options = options or PipelineOptions()
        self.hook = hook or _no_hook
        self._asr: AsrEngine | None = None
        self._diarizer = None
        self._asr_lock = threading.Lock()  # the recogniser may run ahead in another thread

    @property
    def asr(self) -> AsrEngine:
        if self._asr is None:
            threads = {"cpu_threads": self.options.cpu_threads} if self.options.asr == "faster-whisper" else {}
            self._asr = get_engine(self.options.asr, self.options.asr_model, device=self.options.device, **threads)
        return self._asr

    @property
    def diarizer(self):
        if self._diarizer is None:
            self._diarizer = get_diarizer(self.options.diarizer, **self.options.diarizer_options)
        return self._diarizer

    def share_engines(self, other: Pipeline) -> None:
        """Use the models ``other`` has loaded where this pipeline would load the same ones.

        A batch with voiceprints audits its stereo calls first and the rest with other options
        (the voiceprints enrolled by then); those options only steer the processing, so the
        second pass must not load the ASR model again (a second or more per run).
        """
        mine, theirs = self.options, other.options
        if self._asr is None and (mine.asr, mine.asr_model, mine.device, mine.cpu_threads) == (
                theirs.asr, theirs.asr_model, theirs.device, theirs.cpu_threads):
            self._asr = other._asr
        if self._diarizer is None and (mine.diarizer, mine.diarizer_options) == (
                theirs.diarizer, theirs.diarizer_options):
            self._diarizer = other._diarizer

    def release(self) -> None:
        """Free the models (small machines run stages one model at a time)."""
        self._asr = None
        self._diarizer = None

    def hear(self, audio: Audio, contact: Contact | None = None) -> list[AsrSegment]:
        """The recogniser's pass over a recording (its mono mix, stereo calls too): the first
        step of :meth:`process`, which a batch runs ahead for the next recording
        (:meth:`pipelines.batch.Worker.run`). With ``AsrOptions.vocabulary_to`` set, the
        ``contact``'s words go to the decoder (off by default: docs/hearing.md)."""
        with self._asr_lock:
            engine = self.asr
        options = self.options.asr_options
        if contact is not None and options.vocabulary_to != "none":
            options = replace(options, hotwords=call_vocabulary(contact).decoder_words(self.options.vocabulary_words))
        return engine.transcribe(audio.mono(), options)

    def process(self, contact: Contact, audio: Audio, heard: list[AsrSegment] | None = None) -> Transcript:
        """Transcribe, diarize and label one contact's recording.

        ``heard``: the recogniser's output for this recording (:meth:`hear`), when it ran ahead.
        """
        vocabulary = call_vocabulary(contact)
        corrector = _remembering(call_corrector(vocabulary))
        layout = contact.channel_layout or "mono"
        if heard is None:
            heard = self.hear(audio, contact)
        self.hook("asr", heard, call_id=contact.call_id, channel=None)
        if layout.startswith("stereo") and audio.channels == 2:
            segments = self._stereo(contact, audio, heard, corrector,
                                    agent_channel=0 if layout.endswith("left") else 1)
            agent_voices = 1
        else:
            segments, agent_voices = self._mono(contact, audio, heard, corrector)
        segments.sort(key=lambda s: (s.start, s.end))
        voices: dict[str, Any] = {}
        if self.options.voiceprints and not (layout.startswith("stereo") and audio.channels == 2):
            from pipelines.voices import identify

            # words: a collector segment holding two collectors' lines may be cut at a word pause
            # (pipelines.voices.SPLIT, off by default)
            voices = identify(contact, audio.mono(), segments, self.options.voiceprints,
                              channel="phone" if audio.source_rate <= 8000 else "room",
                              words=recognised_words(heard),
                              text_of=lambda ws: corrector(to_simplified("".join(w.text for w in ws).strip(),
                                                                         phrases=True)))
        stereo = layout.startswith("stereo") and audio.channels == 2
        metrics = call_metrics(audio, segments)
        if self.options.acoustics:
            from pipelines.acoustics import measure

            metrics.update(measure(audio, segments, stereo=stereo))
            self.hook("acoustics", segments, call_id=contact.call_id)
        metrics["agent_voices"] = agent_voices
        metrics.update(voices)
        metrics["layout_used"] = "stereo" if stereo else "mono"
        if layout.startswith("stereo") and audio.channels != 2:
            metrics["warning"] = "manifest says stereo but the file has one channel; diarized as mono"
        transcript = Transcript(call_id=contact.call_id, duration_s=round(audio.duration, 3),
                                segments=segments, metrics=metrics)
        self.hook("transcript", transcript, call_id=contact.call_id)
        return transcript

    def _stereo(self, contact: Contact, audio: Audio, asr: list[AsrSegment], corrector: Correct,
                agent_channel: int) -> list[Segment]:
        """One ASR pass over the mix; each word goes to the channel that is louder while it is said.

        Transcribing each channel on its own costs about twice as much: every channel pays for
        its own 30-second Whisper windows, and a channel that is mostly line noise makes the
        decoder fall back to sampling again and again.
        """
        agent, other = audio.channel(agent_channel), audio.channel(1 - agent_channel)

        def party(word: Word) -> str:
            a, b = int(word.start * SAMPLE_RATE), max(int(word.end * SAMPLE_RATE), int(word.start * SAMPLE_RATE) + 1)
            return AGENT_CHANNEL if _power(agent[a:b]) >= _power(other[a:b]) else PARTY_CHANNEL

        segments = split_at_pauses(asr, self.options.max_pause_s, party)
        others = [s.text for s in segments if s.speaker != AGENT_CHANNEL]
        role = party_role_for(others, contact.contact_role)
        for seg in segments:
            is_agent = seg.speaker == AGENT_CHANNEL
            seg.role = Role.AGENT.value if is_agent else role
            seg.agent_id = contact.agent_id if is_agent else None
            seg.channel = agent_channel if is_agent else 1 - agent_channel
            seg.text = corrector(to_simplified(seg.text, phrases=True))
        return segments

    def _mono(self, contact: Contact, audio: Audio, asr: list[AsrSegment], corrector: Correct
              ) -> tuple[list[Segment], int]:
        """Segments and the number of collector speakers."""
        mono = audio.mono()
        # the count from the log (call: 2; visit: collectors + 1); a visit without one is estimated
        # (a call whose log names its collectors counts like a visit: they and the other party)
        speakers = expected_speakers("visit" if contact.visit_staff_ids else contact.kind, contact.visit_staff)
        if self.options.text_weight is not None and hasattr(self.diarizer, "pieces"):
            return self._attributed(contact, mono, asr, corrector, speakers,
                                    channel="phone" if audio.source_rate <= 8000 else "room")
        turns = self.diarizer.diarize(mono, num_speakers=speakers, min_speakers=2, max_speakers=5)
        self.hook("diarization", turns, call_id=contact.call_id)
        segments = words_to_segments(asr, turns)
        for seg in segments:
            # words were converted one by one; phrases (答覆→答复) only convert whole
            seg.text = corrector(to_simplified(seg.text, phrases=True))
        roles = assign_roles(segments, contact)
        return segments, sum(1 for r in roles.values() if r == Role.AGENT.value)

    def _attributed(self, contact: Contact, mono: np.ndarray, asr: list[AsrSegment], corrector: Correct,
                    speakers: int | None, *, channel: str = "room") -> tuple[list[Segment], int]:
        """Speakers and roles from the voices and the words together (see pipelines.speakers)."""
        from pipelines.speakers import attribute, move_contradicted, role_text_model

        diarizer = self.diarizer
        if contact.kind != "visit" and expected_agents(contact) > 1:
            # a mono call a second collector joins: two voices that share the telephone band, which
            # the spectral-envelope features tell apart better than the plain embeddings (they
            # are for room audio otherwise; docs/voiceprints.md, round 3)
            pieces, embeddings = diarizer.pieces(mono, room_only=False)
        else:
            pieces, embeddings = diarizer.pieces(mono)
        durations = np.array([end - start for start, end in pieces])
        if speakers is None and len(pieces):
            anchors = embeddings[anchor_pieces(durations, diarizer.options.cluster_min_s)]
            speakers = estimate_count(anchors, min_speakers=2, max_speakers=5,
                                      single_distance=diarizer.options.single_distance)
        texts = [corrector(to_simplified(t, phrases=True)) for t in piece_texts(asr, pieces)]
        if not pieces or not speakers or speakers < 2:
            labels, agents = np.zeros(len(pieces), dtype=int), frozenset({0})
        else:
            from pipelines.voice_anchors import anchors_for

            # the logged collectors' voiceprints anchor the search (pipelines.voice_anchors.WEIGHT; 0: off)
            anchors = anchors_for(contact, mono, pieces, self.options.voiceprints, channel)
            text_scores = role_text_model().scores(texts)
            result = attribute(embeddings, durations, text_scores, speakers=speakers,
                               agents=min(expected_agents(contact), speakers - 1),
                               text_weight=self.options.text_weight, min_duration=diarizer.options.cluster_min_s,
                               voice_fit=anchors)
            labels, agents = result.labels, result.agents
            # a piece left with the other party although its words are a collector's (speakers.CONTRADICTED)
            labels = move_contradicted(labels, agents, embeddings, durations, texts, text_scores=text_scores)
            if self.options.acoustics:  # mono talk-overs: cut pieces where two voices overlap (pipelines/overlap.py)
                from pipelines.overlap import split_at_overlaps

                pieces, labels = split_at_overlaps(mono, pieces, embeddings, labels)
                texts = [corrector(to_simplified(t)) for t in piece_texts(asr, pieces)]
        turns = to_turns(pieces, labels, merge_gap=diarizer.options.merge_gap_s)
        self.hook("diarization", turns, call_id=contact.call_id)
        segments = words_to_segments(asr, turns)
        names = speaker_names(pieces, labels)
        said: dict[str, list[str]] = {}
        for label, text in zip(labels.tolist(), texts):
            said.setdefault(names[label], []).append(text)
        roles = {names[label]: Role.AGENT.value if label in agents else party_role_for(said[names[label]],
                                                                                        contact.contact_role)
                 for label in names}
        for seg in segments:
            seg.text = corrector(to_simplified(seg.text, phrases=True))
            # a recording with no speech pieces (all words outside VAD) is one speaker: the collector
            seg.role = roles.get(seg.speaker, Role.AGENT.value)
        return segments, sum(1 for r in roles.values() if r == Role.AGENT.value) or 1


def _remembering(corrector: Correct) -> Correct:
    """``corrector`` that corrects each distinct text once: a mono recording's pieces are read
    before and after the talk-over split, most of them unchanged."""
    done: dict[str, str] = {}

    def correct(text: str) -> str:
        if text not in done:
            done[text] = corrector(text)
        return done[text]

    return correct


def recognised_words(asr: list[AsrSegment]) -> list[Word]:
    """Every recognised word in order; a segment without word times is one word."""
    return [w for seg in asr for w in seg.words or [Word(seg.start, seg.end, seg.text)]]


def piece_texts(asr: list[AsrSegment], pieces: list[tuple[float, float]]) -> list[str]:
    """The words said in each piece (a word goes to the piece holding its middle, else the nearest)."""
    texts = ["" for _ in pieces]
    if not pieces:
        return texts
    starts = np.array([p[0] for p in pieces])
    ends = np.array([p[1] for p in pieces])
    for word in recognised_words(asr):
        middle = (word.start + word.end) / 2
        gap = np.maximum(starts - middle, 0) + np.maximum(middle - ends, 0)
        texts[int(np.argmin(gap))] += word.text
    return texts


def _speaker_at(word: Word, turns) -> str:
    return closest_span(word, turns).speaker


def split_at_pauses(asr: list[AsrSegment], max_pause: float, speaker_of: Callable[[Word], str]) -> list[Segment]:
    """Cut recognised speech into turns: a new turn starts where the speaker of a word changes
    or where a pause between words is at least ``max_pause`` seconds."""
    turns: list[_Span] = []
    for seg in asr:
        words = seg.words or [Word(seg.start, seg.end, seg.text)]
        for word in words:
            speaker = speaker_of(word)
            last = turns[-1] if turns else None
            if last is None or last.speaker != speaker or word.start - last.end >= max_pause:
                turns.append(_Span(word.start, word.end, speaker))
            else:
                last.end = max(last.end, word.end)
    return words_to_segments(asr, turns, by_turn=True)


def _power(x: np.ndarray) -> float:
    return float(np.mean(np.square(x, dtype=np.float64))) if x.size else 0.0


@dataclass
class _Span:
    start: float
    end: float
    speaker: str


def words_to_segments(asr: list[AsrSegment], turns, by_turn: bool = False) -> list[Segment]:
    """Split ASR segments at speaker changes, giving each word the speaker it overlaps most."""
    segments: list[Segment] = []
    for seg in asr:
        words = seg.words or [Word(seg.start, seg.end, seg.text)]
        if not turns:
            labelled = [("S0", w) for w in words]
        elif by_turn:
            labelled = [(closest_span(w, turns), w) for w in words]
        else:
            labelled = [(_speaker_at(w, turns), w) for w in words]
        current: list[tuple[str, Word]] = []
        for speaker, word in labelled + [(None, None)]:
            if current and (speaker != current[-1][0]):
                text = "".join(w.text for _, w in current).strip()
                if text:
                    probs = [w.probability for _, w in current]
                    label = current[0][0]
                    segments.append(Segment(speaker=label.speaker if isinstance(label, _Span) else label, role="",
                                            start=round(current[0][1].start, 3), end=round(current[-1][1].end, 3),
                                            text=text,
                                            confidence=round(float(np.mean(probs)), 3)))
                current = []
            if speaker is not None:
                current.append((speaker, word))
    return segments


def _db(x: np.ndarray) -> float:
    rms = float(np.sqrt(np.mean(np.square(x), dtype=np.float64))) if x.size else 0.0
    return round(20 * np.log10(max(rms, 1e-6)), 1)


def call_metrics(audio: Audio, segments: list[Segment]) -> dict[str, Any]:
    """Per-call figures from the segments: length, speech, the collector's talk share and levels.

    How the call was conducted (overtalk, silences, pace, raised voice) comes from the
    measured acoustics (:func:`pipelines.acoustics.measure`) and the rule pack.
    """
    duration = audio.duration
    agent = [s for s in segments if s.role == Role.AGENT.value]
    other = [s for s in segments if s.role != Role.AGENT.value]

    def level(seg: Segment) -> float:
        channel = audio.channel(seg.channel) if seg.channel is not None else audio.mono()
        return _db(channel[int(seg.start * SAMPLE_RATE):int(seg.end * SAMPLE_RATE)])

    agent_levels = [level(s) for s in agent]
    other_levels = [level(s) for s in other]
    speech = sum(s.end - s.start for s in segments)
    return {
        "duration_s": round(duration, 3),
        "speech_s": round(speech, 2),
        "agent_talk_share": round(sum(s.end - s.start for s in agent) / max(1e-6, speech), 3) if segments else None,
        "agent_level_db_max": max(agent_levels) if agent_levels else None,
        "agent_level_db_median": float(np.median(agent_levels)) if agent_levels else None,
        "contact_level_db_median": float(np.median(other_levels)) if other_levels else None,
    }
