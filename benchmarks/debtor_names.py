"""A measurement aid: each recording's debtor name, read from its truth turns.

Usage::

    python benchmarks/debtor_names.py CORPUS [CORPUS ...] --out names.json

The manifests of the corpora written before session 8 have no ``debtor_name`` column, so the
debtor's name cannot reach the call's vocabulary there. To measure what the column gives, this
takes the name a collector says before 先生 or 女士 in the truth turns ("请问是邵志斌先生吗": 邵志斌;
司马军, 欧阳丽 with their two-character surname) — the name the lender's file would hold. Calls
where no full name is said (only 邢女士) get none. The file is read by
``benchmarks/corrector_replay.py score --debtor-names`` and by :func:`with_names` for a copy of a
corpus with the column added (outside the repository: the corpora are frozen). It is *not* what
the product does: in production the name comes from the log.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from audit.masking import COMPOUND_SURNAMES  # noqa: E402
from pipelines.correct import SURNAMES  # noqa: E402

# surnames of the debtors in the corpora that are not among the commonest
_RARE = "卞蔺鄂闻冉洪覃阎邵廖伍桑颜路苗翁娄卓钱牛甘穆邢艾鲍"
_NOT_NAME = set("是您你请问找谢好的了位吗呢啊吧这那个对")
_BEFORE_TITLE = re.compile(r"([\u4e00-\u9fff]{2,4})(?=先生|女士)")


def debtor_name(turns: list[dict]) -> str:
    """The first full name said before 先生/女士 in ``turns`` (in time order), or ""."""
    surnames = set(SURNAMES) | set(_RARE)
    for turn in sorted(turns, key=lambda t: float(t["start"])):
        for m in _BEFORE_TITLE.finditer(turn["text"]):
            run = m.group(1)
            if run[-4:-2] in COMPOUND_SURNAMES:
                return run[-4:]
            for n in (3, 2):
                name = run[-n:]
                if len(name) == n and name[0] in surnames and name[0] not in _NOT_NAME and name[:2] != "谢谢":
                    return name
    return ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpora", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    names: dict[str, str] = {}
    for corpus in args.corpora:
        for path in sorted((corpus / "truth").glob("*.json")):
            truth = json.loads(path.read_text(encoding="utf-8"))
            name = debtor_name(truth["turns"])
            if name:
                names[truth["call_id"]] = name
    args.out.write_text(json.dumps({"_note": "measurement aid: debtor names read from the truth turns "
                                    "(benchmarks/debtor_names.py), not from any log", **names},
                                   ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"{len(names)} debtor names -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
