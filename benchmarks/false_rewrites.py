"""False rewrites: what the pinyin corrector does to text that is already right.

Usage::

    python benchmarks/false_rewrites.py CORPUS [CORPUS ...] [--real DIR] [--json out.json]

Every truth turn of the corpora and every real collector's line of ``--real`` (default
``tests/rules/data/real/``) is put through the corrector of each distinct call vocabulary of the
corpora' manifests (:func:`pipelines.vocabulary.call_corrector`). A right text should come out as
it went in; the script prints how many (vocabulary, text) pairs were rewritten and the first few,
and ``--json`` writes every rewrite, so that two versions of the corrector can be compared (run it
once per version and diff the files: a new rule may not rewrite what the previous one left alone).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from audit.evaluation import load_truth
from audit.manifest import read_manifest
from pipelines.vocabulary import call_corrector, call_vocabulary


def texts_and_vocabularies(corpora: list[Path], real: Path | None):
    texts: list[str] = []
    vocabularies = {}
    for corpus in corpora:
        contacts, _errors = read_manifest(corpus / "manifest.csv")
        for contact in contacts:
            key = (contact.creditor, contact.agency, contact.agent_name, contact.product)
            vocabularies.setdefault(key, call_vocabulary(contact))
        for truth in load_truth(corpus).values():
            texts.extend(t["text"] for t in truth["turns"])
    if real is not None and real.is_dir():
        for path in sorted(real.glob("*.jsonl")):
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    texts.append(json.loads(line)["text"])
    return list(dict.fromkeys(texts)), vocabularies


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpora", nargs="+", type=Path)
    parser.add_argument("--real", type=Path, default=Path("tests/rules/data/real"))
    parser.add_argument("--json", type=Path, help="write every rewrite as JSON")
    args = parser.parse_args(argv)
    texts, vocabularies = texts_and_vocabularies(args.corpora, args.real)
    rewrites = []
    for key, vocabulary in vocabularies.items():
        corrector = call_corrector(vocabulary)
        for text in texts:
            out = corrector(text)
            if out != text:
                rewrites.append({"vocabulary": "|".join(k or "" for k in key), "text": text, "out": out})
    print(f"{len(texts)} texts x {len(vocabularies)} vocabularies = {len(texts) * len(vocabularies)} pairs; "
          f"{len(rewrites)} rewritten")
    for r in rewrites[:20]:
        print(f"  {r['text']}\n  -> {r['out']}")
    if args.json:
        args.json.write_text(json.dumps(rewrites, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
