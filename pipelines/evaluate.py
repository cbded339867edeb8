"""``audit eval``: audit a labelled corpus into a temporary database and score every stage.

Figures: ASR character error rate against the truth turns (after removing punctuation and
whitespace, Traditional→Simplified, Arabic numbers written as they are read: :func:`normalize`),
entity accuracy (:mod:`pipelines.entities`: the spoken mentions of the creditor, the agency and
people heard exactly), whether every transcript is Simplified, DER on the mono recordings (from
the stored, diarized segments — what a supervisor sees), role accuracy (per truth turn, the role
of the stored speech that overlaps it most), and per-category precision/recall at contact level,
both from the audio (full pipeline) and from the truth transcripts (oracle) to tell ASR errors
from rule errors.
"""

from __future__ import annotations

import re
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from rapidfuzz.distance import Levenshtein
from sqlmodel import Session, select

from audit import models
from audit.evaluation import category_scores, entity_summary, expected_categories, load_truth, oracle_eval
from audit.manifest import read_manifest
from audit.storage import init_db, make_engine
from audit.text import to_simplified
from pipelines.entities import KINDS, misses, score_entities
from pipelines.intervals import overlap
from pipelines.vocabulary import call_vocabulary

_NON_WORD = re.compile(r"[^\w]|_")
_DIGITS = dict(zip("0123456789", "零一二三四五六七八九"))
_NUMBER = re.compile(r"(?<![\d.])(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?")


def read_number(n: int) -> str:
    """An integer below 10^8 as it is read: 45 → 四十五, 5000 → 五千, 10 → 十, 30500 → 三万零五百."""
    if n < 10:
        return _DIGITS[str(n)]
    if n >= 10_000:
        high, low = divmod(n, 10_000)
        return read_number(high) + "万" + ("" if not low else ("零" if low < 1000 else "") + read_number(low))
    out, zero = "", False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // value % 10
        if digit:
            out += ("零" if zero and out else "") + _DIGITS[str(digit)] + unit
            zero = False
        else:
            zero = bool(out)
    return out[1:] if out.startswith("一十") else out  # 15 is read 十五


def _spell(match: re.Match) -> str:
    whole, fraction = match.group(1).replace(",", ""), match.group(2)
    if len(whole) > 1 and (whole.startswith("0") or len(whole) > 8):  # a code, a phone or card number
        spoken = "".join(_DIGITS[c] for c in whole)
    else:
        spoken = read_number(int(whole))
    return spoken + ("点" + "".join(_DIGITS[c] for c in fraction) if fraction else "")


def normalize(text: str) -> str:
    """The form CER and entity accuracy compare: no punctuation or spaces, Simplified, lower case,
    and numbers written as they are said ("5000" → "五千", "45天" → "四十五天": Whisper writes
    Arabic numbers, the truth transcripts write what was said). Codes, phone and card numbers (a
    leading zero, more than 8 digits) are spelled digit by digit."""
    text = _NUMBER.sub(_spell, to_simplified(text, phrases=True))
    return _NON_WORD.sub("", text).lower()


def edit_distance(a: str, b: str) -> int:
    """The fewest character insertions, deletions and substitutions that turn ``a`` into ``b``
    (Levenshtein, unit costs: the numerator of the character error rate)."""
    return Levenshtein.distance(a, b)


def read_rttm(path: Path):
    """One recording's RTTM as a ``pyannote.core.Annotation`` (pyannote.database's reader, the
    one pyannote's own tools use; it comes with pyannote.metrics, which scores the DER).

    Raises:
        ValueError: The file is not RTTM, or holds the turns of more than one recording.
    """
    from pandas.errors import EmptyDataError, ParserError
    from pyannote.core import Annotation
    from pyannote.database.util import load_rttm

    try:
        annotations = load_rttm(path)
    except EmptyDataError:  # no turns at all: nobody speaks
        return Annotation(uri=path.stem)
    except (ParserError, ValueError, TypeError) as exc:
        raise ValueError(f"{path}: not an RTTM file of SPEAKER lines ({exc})") from None
    if len(annotations) > 1:
        raise ValueError(f"{path}: expected the turns of one recording, found {', '.join(sorted(annotations))}")
    annotation = next(iter(annotations.values()), None) or Annotation(uri=path.stem)
    # the reader fills missing fields with NaN (and drops a NaN-long turn): a short line is an error
    if any(not isinstance(label, str) for label in annotation.labels()) or _short_lines(path):
        raise ValueError(f"{path}: a SPEAKER line lacks its start, duration or speaker (10 fields each)")
    return annotation


def _short_lines(path: Path) -> bool:
    return any(len(fields) < 8 for fields in map(str.split, path.read_text(encoding="utf-8").splitlines())
               if fields and fields[0] == "SPEAKER")


def spans_to_annotation(spans, uri: str):
    """``(start, end, speaker)`` triples as a ``pyannote.core.Annotation``."""
    from pyannote.core import Annotation, Segment

    annotation = Annotation(uri=uri)
    for index, (start, end, speaker) in enumerate(spans):
        if end > start:
            annotation[Segment(start, end), index] = speaker
    return annotation


def evaluate_corpus(corpus_dir: str | Path, *, options=None, pack_path: str | None = None,
                    oracle_only: bool = False, collar: float = 0.25) -> dict[str, Any]:
    """Audit ``corpus_dir`` into a throw-away SQLite database and compute the figures."""
    from audit.rules import load_pack

    corpus_dir = Path(corpus_dir)
    pack = load_pack(pack_path)
    report: dict[str, Any] = {"corpus": str(corpus_dir), "rule_pack_version": pack.version,
                              "oracle": oracle_eval(corpus_dir, pack)}
    if oracle_only:
        return report
    from pyannote.metrics.diarization import DiarizationErrorRate

    from pipelines.batch import run_batch
    from pipelines.batch.plan import with_staff_names

    truth = load_truth(corpus_dir)
    contacts, _errors = read_manifest(corpus_dir / "manifest.csv")
    with tempfile.TemporaryDirectory(prefix="audit-eval-") as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'eval.db'}")
        init_db(engine)
        started = time.perf_counter()
        summary = run_batch(engine, corpus_dir, options=options, pack_path=pack_path)
        elapsed = time.perf_counter() - started
        with Session(engine) as session:
            segments = defaultdict(list)
            for seg in session.exec(select(models.Segment).order_by(models.Segment.call_id, models.Segment.start)):
                segments[seg.call_id].append(seg)
            predicted: dict[str, set[str]] = defaultdict(set)
            for f in session.exec(select(models.Finding)):
                predicted[f.call_id].add(f.category)
        contacts = with_staff_names(engine, contacts)  # the vocabulary the pipeline had
        engine.dispose()

    errors = chars = 0
    per_call: dict[str, dict[str, Any]] = {}
    traditional: list[str] = []
    der_metric = DiarizationErrorRate(collar=collar, skip_overlap=False)
    der_strict = DiarizationErrorRate(collar=0.0, skip_overlap=False)
    role_total = defaultdict(int)
    role_right = defaultdict(int)
    entities = {kind: [0, 0] for kind in KINDS}
    for contact in contacts:
        t = truth.get(contact.call_id)
        if t is None or not contact.has_recording:
            continue
        segs = segments.get(contact.call_id, [])
        hyp = "".join(s.text for s in segs)
        ref = "".join(turn["text"] for turn in sorted(t["turns"], key=lambda x: x["start"]))
        e, n = edit_distance(normalize(hyp), normalize(ref)), len(normalize(ref))
        errors, chars = errors + e, chars + n
        row: dict[str, Any] = {"cer": round(e / max(1, n), 4), "layout": contact.channel_layout}
        vocabulary = call_vocabulary(contact)
        found = score_entities(t["turns"], segs, vocabulary, normalize)
        for kind, (right, total) in found.items():
            entities[kind][0] += right
            entities[kind][1] += total
        row["entities"] = [sum(r for r, _ in found.values()), sum(m for _, m in found.values())]
        row["entity_misses"] = [[kind, said] for kind, said, _heard in misses(t["turns"], segs, vocabulary, normalize)]
        if any(to_simplified(s.text, phrases=True) != s.text for s in segs):
            traditional.append(contact.call_id)
        layout = "stereo" if (contact.channel_layout or "").startswith("stereo") else "mono"
        for turn in t["turns"]:
            # a truth turn nobody was heard in counts as a wrong role
            best = max(segs, key=lambda s: overlap(s.start, s.end, turn["start"], turn["end"]), default=None)
            role_total[layout] += 1
            if best is not None and overlap(best.start, best.end, turn["start"], turn["end"]) > 0:
                role_right[layout] += int(best.role == turn["role"])
        if layout == "mono":
            reference = read_rttm(corpus_dir / "truth" / f"{contact.call_id}.rttm")
            hypothesis = spans_to_annotation([(s.start, s.end, s.speaker) for s in segs], contact.call_id)
            row["der"] = round(float(der_metric(reference, hypothesis)), 4)
            der_strict(reference, hypothesis)
        per_call[contact.call_id] = row

    expected = {c.call_id: expected_categories(truth.get(c.call_id)) for c in contacts}
    report.update({
        "audio": category_scores(expected, predicted, [c.call_id for c in contacts]),
        "cer": round(errors / max(1, chars), 4),
        "entities": entity_summary(entities),
        "der": round(abs(der_metric), 4),
        "der_collar": collar,
        "der_no_collar": round(abs(der_strict), 4),
        "role_accuracy": {k: round(role_right[k] / role_total[k], 4) for k in role_total},
        "traditional_calls": traditional,
        "per_call": per_call,
        "failures": [str(f) for f in summary.failures],
        "audio_seconds": round(summary.audio_seconds, 1),
        "elapsed_s": round(elapsed, 1),
        "rtf": round(elapsed / max(1e-6, summary.audio_seconds), 3),
    })
    return report


def _fmt(x) -> str:
    return "  —  " if x is None else f"{x:5.2f}"


def print_report(report: dict[str, Any]) -> None:
    print(f"corpus {report['corpus']} — rule pack {report['rule_pack_version']}")
    if "cer" in report:
        print(f"ASR character error rate: {report['cer'] * 100:.2f} %   "
              f"(Traditional characters in: {', '.join(report['traditional_calls']) or 'none'})")
        ent = report["entities"]
        kinds = ", ".join(f"{k} {v['right']}/{v['mentions']}" for k, v in ent["per_kind"].items())
        accuracy = "  —  " if ent["accuracy"] is None else f"{ent['accuracy'] * 100:.1f} %"
        print(f"entity accuracy: {accuracy} of {ent['mentions']} mentions heard exactly ({kinds})")
        print(f"DER on mono recordings: {report['der'] * 100:.2f} % (collar {report['der_collar']} s), "
              f"{report['der_no_collar'] * 100:.2f} % without collar")
        print("role accuracy: " + ", ".join(f"{k} {v * 100:.1f} %" for k, v in report["role_accuracy"].items()))
        print(f"audio {report['audio_seconds']} s audited in {report['elapsed_s']} s (RTF {report['rtf']})")
        if report["failures"]:
            print("failures: " + "; ".join(report["failures"]))
        print(f"{'call':12s} {'layout':18s} {'CER':>6s} {'DER':>6s} {'entities':>9s}")
        for call_id, row in report["per_call"].items():
            der = f"{row['der'] * 100:5.1f}%" if "der" in row else "     "
            right, total = row.get("entities", (0, 0))
            print(f"{call_id:12s} {row['layout'] or '':18s} {row['cer'] * 100:5.1f}% {der} {right:>4d}/{total:<4d}")
    print(f"\n{'category':24s} {'audio P':>8s} {'audio R':>8s} {'audio F1':>8s}   "
          f"{'oracle P':>8s} {'oracle R':>8s} {'oracle F1':>9s}")
    for category, oracle in report["oracle"].items():
        audio = report.get("audio", {}).get(category, {})
        print(f"{category:24s} {_fmt(audio.get('precision')):>8s} {_fmt(audio.get('recall')):>8s} "
              f"{_fmt(audio.get('f1')):>8s}   {_fmt(oracle['precision']):>8s} {_fmt(oracle['recall']):>8s} "
              f"{_fmt(oracle['f1']):>9s}")
