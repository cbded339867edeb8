"""``audit eval`` of a corpus with the recogniser's output cached, and diarizer options to try.

Usage::

    python benchmarks/eval_cached.py CORPUS [--asr-cache DIR] [--option short_fill=repeat] [--json out.json]

The same figures as ``audit eval CORPUS`` (CER, DER, role accuracy, precision and recall per
category; :func:`pipelines.evaluate.evaluate_corpus`), with the ASR read back from
``--asr-cache`` (:mod:`benchmarks.asr_cache`; the first run fills it) and the embedded
diarizer's :class:`~pipelines.diarization.embedded.EmbeddedOptions` set by ``--option``
(as in ``benchmarks/der.py``). Two runs on one cache differ only after the ASR.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus_dir", type=Path)
    parser.add_argument("--asr-cache", type=Path, default=Path(".asr-cache"),
                        help="folder of cached recogniser output (default: .asr-cache)")
    parser.add_argument("--option", action="append", default=[], metavar="KEY=VALUE",
                        help="an embedded diarizer option (EmbeddedOptions field); repeatable")
    parser.add_argument("--pack", help="rule pack YAML (default: the built-in pack)")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    args = parser.parse_args(argv)

    from benchmarks.asr_cache import install
    from benchmarks.der import diarizer_options
    from pipelines.evaluate import evaluate_corpus, print_report
    from pipelines.process import PipelineOptions

    counts = install(args.asr_cache)
    options = PipelineOptions(diarizer_options=diarizer_options(args.option))
    report = evaluate_corpus(args.corpus_dir, options=options, pack_path=args.pack)
    report["diarizer_options"] = args.option
    print_report(report)
    print(f"ASR cache: {counts['hits']} read back, {counts['misses']} decoded")
    if args.json:
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
