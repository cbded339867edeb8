"""Diarization error rate (DER) of a diarizer on the mono recordings of a corpus.

Usage::

    python benchmarks/der.py ../shared/corpus [--diarizer embedded] [--collar 0.25] [--option voice_features=0]

Prints a per-file table and the overall DER with the speaker count taken from the manifest
(calls: 2; visits: visit_staff + 1) and with the count estimated, at the given collar and at
collar 0, plus the diarization time per audio second.

``collar`` is pyannote.metrics' collar: the total width of the forgiveness zone around each
reference boundary, half on each side. So ``0.25`` forgives +/-0.125 s, which is stricter
than NIST md-eval's "0.25 s collar" (+/-0.25 s, ``collar=0.5`` here).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from audit.manifest import read_manifest
from pipelines.diarization import Diarizer, Turn, expected_speakers, get_diarizer
from pipelines.evaluate import read_rttm  # noqa: E402


def turns_to_annotation(turns: list[Turn], uri: str) -> Any:
    """Diarizer turns as a ``pyannote.core.Annotation``."""
    from pyannote.core import Annotation, Segment

    annotation = Annotation(uri=uri)
    for index, turn in enumerate(turns):
        annotation[Segment(turn.start, turn.end), index] = turn.speaker
    return annotation


def der_for_files(corpus_dir: str | Path, diarizer: Diarizer, collar: float = 0.25, *,
                  estimate: bool = False, collars: tuple[float, ...] = (),
                  call_ids: list[str] | None = None) -> dict[str, Any]:
    """Diarize the corpus's mono recordings and score them against ``truth/<call_id>.rttm``.

    Args:
        corpus_dir: folder with ``manifest.csv``, the audio and ``truth/``.
        diarizer: the engine to measure.
        collar: pyannote.metrics collar in seconds (total width, half each side).
        estimate: ignore the manifest's speaker count and let the diarizer estimate it.
        collars: further collars to score the same output at (e.g. ``(0.0,)``).
        call_ids: restrict to these recordings.

    Returns:
        ``{"files": {call_id: {...}}, "overall": {collar: DER}, "audio_seconds", "diarize_seconds",
        "seconds_per_audio_second"}``; each file entry holds ``der`` (at ``collar``), ``der_at``
        (every collar), ``num_speakers`` (given, or None), ``reference_speakers``,
        ``hypothesis_speakers``, ``duration`` and ``seconds`` (diarization time).
    """
    from pyannote.core import Segment, Timeline
    from pyannote.metrics.diarization import DiarizationErrorRate

    from pipelines.audio import load_audio

    corpus = Path(corpus_dir)
    contacts, errors = read_manifest(corpus / "manifest.csv")
    if errors:
        raise ValueError("; ".join(str(e) for e in errors))
    chosen = [c for c in contacts if c.audio_file and c.channel_layout == "mono"
              and (call_ids is None or c.call_id in call_ids)]
    if not chosen:
        raise ValueError(f"{corpus}/manifest.csv: no mono recordings to score (channel_layout == mono)")
    all_collars = tuple(dict.fromkeys((collar, *collars)))
    metrics = {c: DiarizationErrorRate(collar=c, skip_overlap=False) for c in all_collars}
    files: dict[str, dict[str, Any]] = {}
    audio_seconds = diarize_seconds = 0.0
    for contact in chosen:
        rttm = corpus / "truth" / f"{contact.call_id}.rttm"
        if not rttm.is_file():
            raise ValueError(f"{rttm}: missing reference for manifest line {contact.line}")
        audio = load_audio(corpus / contact.audio_file).mono()
        duration = len(audio) / 16000
        count = None if estimate else expected_speakers(contact.kind, contact.visit_staff)
        began = time.perf_counter()
        turns = diarizer.diarize(audio, num_speakers=count)
        seconds = time.perf_counter() - began
        audio_seconds += duration
        diarize_seconds += seconds
        reference = read_rttm(rttm)
        hypothesis = turns_to_annotation(turns, contact.call_id)
        uem = Timeline([Segment(0, duration)])
        der_at = {c: float(m(reference, hypothesis, uem=uem)) for c, m in metrics.items()}
        files[contact.call_id] = {
            "kind": contact.kind, "duration": duration, "seconds": seconds, "num_speakers": count,
            "reference_speakers": len(reference.labels()), "hypothesis_speakers": len({t.speaker for t in turns}),
            "der": der_at[collar], "der_at": der_at,
        }
    return {
        "files": files,
        "overall": {c: float(abs(m)) for c, m in metrics.items()},
        "collar": collar,
        "audio_seconds": audio_seconds,
        "diarize_seconds": diarize_seconds,
        "seconds_per_audio_second": diarize_seconds / audio_seconds,
    }


def format_report(result: dict[str, Any], title: str) -> str:
    """A per-file table and the overall figures."""
    collars = list(result["overall"])
    head = f"{'call_id':<10} {'kind':<6} {'dur s':>6} {'spk ref/hyp':>11} " + " ".join(
        f"{'DER@' + format(c, 'g'):>9}" for c in collars) + f" {'time s':>7}"
    lines = [title, head, "-" * len(head)]
    for call_id, f in result["files"].items():
        lines.append(f"{call_id:<10} {f['kind']:<6} {f['duration']:>6.1f} "
                     f"{str(f['reference_speakers']) + '/' + str(f['hypothesis_speakers']):>11} "
                     + " ".join(f"{100 * f['der_at'][c]:>8.1f}%" for c in collars) + f" {f['seconds']:>7.2f}")
    lines.append("-" * len(head))
    lines.append(f"{'overall':<10} {'':<6} {result['audio_seconds']:>6.1f} {'':>11} "
                 + " ".join(f"{100 * result['overall'][c]:>8.1f}%" for c in collars)
                 + f" {result['diarize_seconds']:>7.2f}")
    lines.append(f"diarization time per audio second: {result['seconds_per_audio_second']:.4f}")
    return "\n".join(lines)


def diarizer_options(pairs: list[str]) -> dict[str, Any]:
    """``KEY=VALUE`` strings as diarizer options (the embedded diarizer's :class:`EmbeddedOptions`)."""
    if not pairs:
        return {}
    from dataclasses import fields

    from pipelines.diarization.embedded import EmbeddedOptions

    types = {f.name: type(getattr(EmbeddedOptions(), f.name)) for f in fields(EmbeddedOptions)}
    values: dict[str, Any] = {}
    for pair in pairs:
        key, _, value = pair.partition("=")
        if key not in types:
            raise SystemExit(f"--option {pair}: unknown option; choose from {', '.join(types)}")
        cast = types[key]
        values[key] = value.lower() in ("1", "true", "yes") if cast is bool else cast(value)
    return {"options": EmbeddedOptions(**values)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus_dir", type=Path)
    parser.add_argument("--diarizer", default="embedded")
    parser.add_argument("--option", action="append", default=[], metavar="KEY=VALUE",
                        help="a diarizer option, repeatable (e.g. voice_features=0 and short_fill=zeros: "
                             "the embedded diarizer's defaults before 2026-12-07)")
    parser.add_argument("--collar", type=float, default=0.25,
                        help="pyannote.metrics collar (total width; 0.25 = +/-0.125 s)")
    parser.add_argument("--max-der", type=float, default=None,
                        help="exit 1 when the overall DER (manifest counts, --collar) exceeds this fraction")
    args = parser.parse_args(argv)
    diarizer = get_diarizer(args.diarizer, **diarizer_options(args.option))
    began = time.perf_counter()
    if hasattr(diarizer, "load"):
        diarizer.load()
    print(f"model load: {time.perf_counter() - began:.2f} s")
    collars = (0.0, 0.5)
    known = der_for_files(args.corpus_dir, diarizer, args.collar, collars=collars)
    print(format_report(known, "speaker count from the manifest"))
    print()
    estimated = der_for_files(args.corpus_dir, diarizer, args.collar, collars=collars, estimate=True)
    print(format_report(estimated, "speaker count estimated"))
    if args.max_der is not None and known["overall"][args.collar] > args.max_der:
        print(f"FAIL: overall DER {known['overall'][args.collar]:.3f} > {args.max_der}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
