"""One worker's unit of work: a recording in (:class:`WorkItem`), its audit out (:class:`WorkResult`).

A :class:`Worker` loads its models once and keeps them for every recording it is given; on a
small machine (``low_memory``, see :func:`small_machine`) it frees each model before the next
stage loads its own. Items, results and the worker itself are picklable: they cross process and
Ray boundaries (the loaded models never do).
"""

from __future__ import annotations

import gc
import logging
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from audit.rules.pack import RulePack
from audit.schema import Contact, Finding, Transcript
from pipelines.process import PipelineOptions

# One logger for the package: its log lines keep the name they had before it was split.
log = logging.getLogger(__package__)

# Below this much memory per worker the worker runs in low-memory mode (one model at a time).
LOW_MEMORY_BYTES_PER_WORKER = 3 << 30
# A file whose header promises this much more audio than can be decoded is truncated.
TRUNCATION_TOLERANCE_S = 1.0


@dataclass
class WorkItem:
    """One recording to audit (picklable: it crosses process and Ray boundaries).

    ``sha256`` is known when the contact was audited before (the skip check needed it);
    otherwise the worker hashes the file while it reads it anyway.
    """

    contact: Contact
    audio_path: str
    sha256: str | None = None


@dataclass
class WorkResult:
    """What a worker sends back for one :class:`WorkItem`; ``error`` set means it failed."""

    call_id: str
    transcript: Transcript | None = None
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None
    audio_seconds: float = 0.0
    elapsed_s: float = 0.0
    sha256: str | None = None
    # embeddings of the collector channel of a stereo call, to enroll into its agent's voiceprint
    # (audit.voiceprints.Chunk); empty when voices are off or the call is not stereo
    voice_chunks: list[Any] = field(default_factory=list)


class TruncatedAudio(Exception):
    """The file header promises more audio than the file holds."""


def check_complete(path: str | Path, decoded_seconds: float) -> None:
    """Raise :class:`TruncatedAudio` when a recording was cut short in transfer.

    An MP3 whose upload broke off still decodes - up to the break - but its Xing/Info header
    (or an MP4 header) still states the full length, so the two are compared. Formats whose
    header is derived from the file size (WAV) cannot tell; the recording-integrity rule
    (recording much shorter than the dialer's talk time) catches those.
    """
    import av

    try:
        with av.open(str(path), metadata_errors="ignore") as container:
            declared = container.duration / 1_000_000 if container.duration else None
    except (av.error.FFmpegError, OSError):
        return  # the decoder already read it; a header we cannot reread proves nothing
    if declared and declared - decoded_seconds > max(TRUNCATION_TOLERANCE_S, 0.02 * declared):
        raise TruncatedAudio(
            f"{path}: truncated recording: its header says {declared:.1f} s but only "
            f"{decoded_seconds:.1f} s can be decoded; upload the complete file again")


class Worker:
    """Audits one recording at a time: decode → transcribe/diarize → rule scan.

    The models load on the first recording and stay loaded for the next ones. With
    ``low_memory`` each model is freed as soon as its stage is done (as whisperX frees the ASR
    model before diarization), so only one is in memory at a time; it costs a model load per
    stage and recording.
    """

    def __init__(self, options: PipelineOptions, pack_path: str | None, low_memory: bool = False, *,
                 pack: RulePack | None = None):
        """Build a worker; nothing is loaded yet.

        Args:
            options: engine choices.
            pack_path: rule pack file (``None``: the built-in pack).
            low_memory: free each model as soon as its stage is done.
            pack: the rule pack of ``pack_path``, already loaded by the caller (a run loads it
                once); ``None`` loads it on the first recording.
        """
        self.options = options
        self.pack_path = pack_path
        self.low_memory = low_memory
        self._pipeline = None
        self._pack = pack
        self._next: WorkItem | None = None  # the recording to hear ahead (see run)
        self._ahead: _Ahead | None = None

    def spec(self) -> dict[str, Any]:
        """Constructor arguments: what a new process needs to build the same worker.

        A loaded ``pack`` is left out: it never crosses a process boundary, the new process
        loads ``pack_path`` itself.
        """
        return {"options": self.options, "pack_path": self.pack_path, "low_memory": self.low_memory}

    def with_options(self, options: PipelineOptions, *, models_from: Worker | None = None) -> Worker:
        """The same worker with other options, sharing the rule pack already loaded here and
        the models ``models_from`` has loaded that the new options would load again."""
        worker = Worker(options, self.pack_path, self.low_memory, pack=self._pack)
        if models_from is not None and models_from._pipeline is not None and not self.low_memory:
            worker.pipeline.share_engines(models_from._pipeline)
        return worker

    def use_pack_of(self, other: Worker) -> None:
        """Scan with the rule pack ``other`` scans with: its loaded pack, or none yet (then
        this worker loads its own ``pack_path`` on first use)."""
        self._pack = other._pack

    def __getstate__(self) -> dict[str, Any]:
        return self.spec()  # loaded models never cross a process boundary

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(**state)

    @property
    def pack(self):
        if self._pack is None:
            from audit.rules import load_pack

            self._pack = load_pack(self.pack_path)
        return self._pack

    @property
    def pipeline(self):
        if self._pipeline is None:
            from pipelines.process import Pipeline

            self._pipeline = Pipeline(self.options, hook=self._stage_done)
        return self._pipeline

    def _stage_done(self, step: str, artifact: Any = None, **info: Any) -> None:
        if self.low_memory:
            # Mono: ASR is done once ("asr", channel None) before diarization loads its model.
            # Stereo: both channels share the ASR model, so it goes when the transcript is done.
            if (step == "asr" and info.get("channel") is None) or step == "transcript":
                self.release()
        elif step == "asr" and self._next is not None:
            self._ahead, self._next = _Ahead(self, self._next), None

    def release(self) -> None:
        """Free the loaded models (the next recording loads them again)."""
        if self._pipeline is not None:
            self._pipeline.release()
            gc.collect()

    def run(self, item: WorkItem, then: WorkItem | None = None) -> WorkResult:
        """Audit one recording; every error becomes ``WorkResult.error`` with its reason.

        ``then``: the recording that comes next. Once this one's recogniser pass is done, the
        next one is decoded and heard in a background thread while this one is diarized,
        measured, scanned and stored (those stages run mostly on one core, the recogniser on
        the rest); its ``run`` takes the result. Not with ``low_memory`` (one model at a time).
        """
        from pipelines.audio import AudioError, load_audio

        start = time.perf_counter()
        call_id = item.contact.call_id
        ahead, self._ahead = self._ahead, None
        self._next = then if not self.low_memory else None
        heard = None
        try:
            found = ahead.result(item) if ahead is not None else None
            if found is not None:
                audio, heard = found
            else:  # not heard ahead, or that failed: here, with its error reported as usual
                audio = load_audio(item.audio_path, sha256=item.sha256)
                check_complete(item.audio_path, audio.duration)
        except (AudioError, TruncatedAudio) as exc:
            return WorkResult(call_id, error=str(exc), elapsed_s=time.perf_counter() - start)
        except Exception as exc:  # noqa: BLE001 - a decoder bug on one file must not stop the night
            return WorkResult(call_id, error=f"{item.audio_path}: cannot read ({type(exc).__name__}: {exc})",
                              elapsed_s=time.perf_counter() - start)
        try:
            transcript = self.pipeline.process(item.contact, audio, heard)
            transcript.metrics.update(self.pack.conduct_metrics(transcript.segments))
            findings = self.pack.scan_contact(item.contact, transcript.segments, transcript.metrics)
        except Exception as exc:
            log.exception("auditing %s failed", call_id)
            return WorkResult(call_id, error=f"{type(exc).__name__}: {exc}", audio_seconds=audio.duration,
                              elapsed_s=time.perf_counter() - start, sha256=audio.sha256)
        chunks = []
        layout = item.contact.channel_layout or "mono"
        if self.options.voiceprints is not None and layout.startswith("stereo") and audio.channels == 2:
            try:
                from pipelines.voices import enrollment_chunks

                # the collector channel's speech, as the transcript found it
                channel = 0 if layout.endswith("left") else 1
                spans = [(s.start, s.end) for s in transcript.segments if s.channel == channel]
                chunks = enrollment_chunks(audio.channel(channel), call_id, spans=spans)
            except Exception:  # noqa: BLE001 - enrollment is a by-product: never fail the audit for it
                log.exception("voiceprint enrollment from %s failed", call_id)
        return WorkResult(call_id, transcript, findings, audio_seconds=audio.duration,
                          elapsed_s=time.perf_counter() - start, sha256=audio.sha256, voice_chunks=chunks)


class _Ahead:
    """The next recording decoded and heard in a background thread (:meth:`Worker.run`)."""

    def __init__(self, worker: Worker, item: WorkItem) -> None:
        self.item = item
        self._found: tuple[Any, Any] | None = None
        self._thread = threading.Thread(target=self._hear, args=(worker,), name=f"hear-{item.contact.call_id}")
        self._thread.start()

    def _hear(self, worker: Worker) -> None:
        from pipelines.audio import load_audio

        try:
            audio = load_audio(self.item.audio_path, sha256=self.item.sha256)
            check_complete(self.item.audio_path, audio.duration)
            self._found = (audio, worker.pipeline.hear(audio, self.item.contact))
        except Exception:  # noqa: BLE001 - the recording's own run decodes it again and reports why
            log.debug("hearing %s ahead failed", self.item.contact.call_id, exc_info=True)

    def result(self, item: WorkItem) -> tuple[Any, Any] | None:
        """(audio, recognised segments) of ``item``; None if it was another item or failed."""
        self._thread.join()
        return self._found if item is self.item else None


def small_machine(workers: int = 1) -> bool:
    """Whether each worker has less than :data:`LOW_MEMORY_BYTES_PER_WORKER` of RAM."""
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return False
    return total / max(1, workers) < LOW_MEMORY_BYTES_PER_WORKER

