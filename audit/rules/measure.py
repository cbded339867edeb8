"""How well a pack judges labelled collector lines (``audit rules eval``).

Each line is judged by :meth:`audit.rules.pack.RulePack.judge`, exactly as ``audit rules test``
judges it: said by the collector to the line's ``contact_role``. A violation counts as caught
only when a finding of its labelled category is reported (a finding the learned model only
suspects is not a report; it is listed with the line). Per category: *precision* is the share
of the lines the pack reported that category on that carry that label, *recall* the share of
the lines labelled with it that the pack reported it on (``None`` where nothing was counted).
The false-alarm rate is over the compliant lines: those with any finding reported.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from audit.rules.labelled import LINE_CATEGORIES, LabelledLine
from audit.rules.pack import LineVerdict, RulePack


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _entry(line: LabelledLine, verdict: LineVerdict) -> dict[str, Any]:
    return {"line": line.line, "text": line.text, "contact_role": line.contact_role, "expected": line.category,
            "got": verdict.categories, "rule_ids": verdict.rule_ids, "suspected": verdict.suspected}


def evaluate(pack: RulePack, lines: Sequence[LabelledLine], *, kind: str = "call") -> dict[str, Any]:
    """Judge every line and count; the report is plain JSON data, in a fixed key order."""
    per = {c: {"lines": 0, "caught": 0, "raised": 0} for c in LINE_CATEGORIES}
    misses, false_alarms = [], []
    violations = caught = compliant = alarmed = 0
    for line in lines:
        verdict = pack.judge(line.text, role="agent", contact_role=line.contact_role, kind=kind)
        got = set(verdict.categories)
        for category in got & per.keys():
            per[category]["raised"] += 1
        if line.violation:
            violations += 1
            per[line.category]["lines"] += 1
            if line.category in got:
                caught += 1
                per[line.category]["caught"] += 1
            else:
                misses.append(_entry(line, verdict))
        else:
            compliant += 1
            alarmed += bool(got)
        if got - {line.category}:
            false_alarms.append(_entry(line, verdict))
    categories = {c: {**n, "precision": _ratio(n["caught"], n["raised"]), "recall": _ratio(n["caught"], n["lines"])}
                  for c, n in per.items()}
    return {"pack": pack.source, "pack_version": pack.version, "lines": len(lines), "violations": violations,
            "compliant": compliant, "caught": caught, "caught_share": _ratio(caught, violations),
            "false_alarm_lines": alarmed, "false_alarm_rate": _ratio(alarmed, compliant),
            "categories": categories, "misses": misses, "false_alarms": false_alarms}


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f} %"


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def format_text(report: dict[str, Any], file: str) -> str:
    """The report as a table and two lists, for people."""
    out = [f"{file}: {report['lines']} lines ({report['violations']} violations, {report['compliant']} compliant), "
           f"pack {report['pack'] or 'default'} version {report['pack_version']}",
           f"violations caught: {report['caught']}/{report['violations']} ({_pct(report['caught_share'])}); "
           f"false alarms on compliant lines: {report['false_alarm_lines']}/{report['compliant']} "
           f"({_pct(report['false_alarm_rate'])})",
           "",
           f"{'category':<24} {'lines':>5} {'caught':>6} {'raised':>6} {'precision':>9} {'recall':>7}"]
    for category, n in report["categories"].items():
        out.append(f"{category:<24} {n['lines']:>5} {n['caught']:>6} {n['raised']:>6} {_num(n['precision']):>9} "
                   f"{_num(n['recall']):>7}")
    for title, entries in (("misses", report["misses"]), ("false alarms", report["false_alarms"])):
        out += ["", f"{title} ({len(entries)}):"]
        for e in entries:
            got = ", ".join(e["got"]) or "nothing"
            rules = f" [{', '.join(e['rule_ids'])}]" if e["rule_ids"] else ""
            suspected = f" (suspected: {', '.join(e['suspected'])})" if e["suspected"] else ""
            role = f" to {e['contact_role']}" if e["contact_role"] != "debtor" else ""
            out.append(f"  line {e['line']}: expected {e['expected']}, got {got}{rules}{suspected}{role}: {e['text']}")
    return "\n".join(out)
