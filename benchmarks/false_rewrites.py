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
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from audit.evaluation import load_truth
from audit.manifest import read_manifest
from pipelines.vocabulary import call_corrector, call_vocabulary


def texts_and_vocabularies(corpora: list[Path], real: Path | None, debtor_names: dict[str, str] | None = None):
    """The distinct right texts, and the distinct call vocabularies keyed by (creditor, agency,
    agent, product, the names only this code's vocabulary holds: the debtor's and the visit's
    other collectors'). ``debtor_names``: call_id -> the debtor's name, for rows without one (a
    measurement aid, benchmarks/debtor_names.py)."""
    texts: list[str] = []
    vocabularies = {}
    for corpus in corpora:
        contacts, _errors = read_manifest(corpus / "manifest.csv")
        staff = {c.agent_id: c.agent_name for c in contacts if c.agent_name}
        for contact in contacts:
            others = tuple(staff[i] for i in contact.visit_staff_ids if i != contact.agent_id and i in staff)
            contact = replace(contact, visit_staff_names=others,
                              debtor_name=contact.debtor_name or (debtor_names or {}).get(contact.call_id, ""))
            key = (contact.creditor, contact.agency, contact.agent_name, contact.product,
                   "+".join([*others, contact.debtor_name]))
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
    parser.add_argument("--debtor-names", type=Path,
                        help="JSON call_id -> debtor name for rows without one (benchmarks/debtor_names.py)")
    args = parser.parse_args(argv)
    names = json.loads(args.debtor_names.read_text(encoding="utf-8")) if args.debtor_names else {}
    texts, vocabularies = texts_and_vocabularies(args.corpora, args.real, names)
    rewrites = []
    for key, vocabulary in vocabularies.items():
        corrector = call_corrector(vocabulary)
        for text in texts:
            out = corrector(text)
            if out != text:
                # "vocabulary" as earlier versions wrote it (creditor|agency|agent|product), the
                # names only this version knows apart, so that two versions' files can be compared
                rewrites.append({"vocabulary": "|".join(k or "" for k in key[:4]), "names": key[4],
                                 "text": text, "out": out})
    print(f"{len(texts)} texts x {len(vocabularies)} vocabularies = {len(texts) * len(vocabularies)} pairs; "
          f"{len(rewrites)} rewritten")
    for r in rewrites[:20]:
        print(f"  {r['text']}\n  -> {r['out']}")
    if args.json:
        args.json.write_text(json.dumps(rewrites, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
