"""Compiled rules: line detectors, contact-level detectors and log-level detectors.

A line rule judges one utterance of an in-scope speaker (normally the collector). Its hits go
through the same two filters whatever the detector: *negation* (a cue such as "不会", "不收"
shortly before the hit, in the same clause, not cut off by a condition such as "就"/"否则") and
*attribution* (reported speech, "您说…", "如果有人…", in the same sentence before the hit).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import TYPE_CHECKING, Any, cast

from audit.names import CARD_CENTRE, short_forms
from audit.rules.matcher import Hit, LexiconIndex, Utterance
from audit.rules.model import Parameters, Rule, detector_label
from audit.schema import Contact, Finding, Segment

if TYPE_CHECKING:
    from audit.rules.detectors import LineDetector, RequiredDetector

_TELLING = ("跟", "和", "给", "对", "同")  # "(我)跟你说" = "let me tell you"; "有人跟你说" is a report


class LineFilters:
    """Negation and reported-speech checks, configured by the pack parameters."""

    def __init__(self, params: Parameters) -> None:
        self.cues = sorted(set(params.negation_cues), key=len, reverse=True)
        self.adjacent = tuple(params.negation_adjacent)
        self.window = params.negation_window
        self.breaks = tuple(params.condition_breaks)
        self.reported = tuple(params.reported_cues)
        self.reported_window = params.reported_window
        self.reported_after = tuple(params.reported_after_cues)
        self.reported_overlap = max((len(c) for c in self.reported), default=1) - 1
        self.hedges = tuple(params.hedge_cues)
        self.hedge_window = params.hedge_window

    def hedged(self, utt: Utterance, start: int) -> bool:
        """A due-process hedge ("可能", "依法", "判决后") earlier in the same sentence."""
        lo = max(utt.sentence_start(start), start - self.hedge_window)
        prefix = utt.norm[lo:start]
        return any(h in prefix for h in self.hedges)

    def negated(self, utt: Utterance, start: int) -> bool:
        norm = utt.norm
        lo = max(utt.clause_start(start), start - self.window)
        prefix = norm[lo:start]
        for cue in self.cues:
            idx = prefix.rfind(cue)
            if idx < 0:
                continue
            pos = lo + idx
            if _a_not_a(norm, pos, cue):
                continue
            between = norm[pos + len(cue):start]
            if any(b in between for b in self.breaks):
                continue
            return True
        tail = norm[max(lo, start - 2):start]
        for neg in self.adjacent:
            idx = tail.rfind(neg)
            if idx < 0:
                continue
            pos = max(lo, start - 2) + idx
            # "不然有你好受的": 不 opens a condition ("不然", "不然的话"), it negates nothing
            if _a_not_a(norm, pos, neg) or any(norm.startswith(b, pos) for b in self.breaks):
                continue
            return True
        return False

    def negated_inside(self, utt: Utterance, start: int, end: int) -> bool:
        """A negation cue between the two halves of a co-occurrence ("家人不会收到")."""
        inner = utt.norm[start:end]
        for cue in self.cues:
            idx = inner.find(cue)
            if idx > 0 and not _a_not_a(utt.norm, start + idx, cue):
                return True
        return False

    def negated_within(self, utt: Utterance, start: int, end: int, example: str) -> bool:
        """A negation inside a matched stretch that the (normalised) ``example`` does not hold:
        "我们不会去你家" aligns with the example "我们会去你家" across its "不会"."""
        norm = utt.norm
        for cue in (*self.cues, *self.adjacent):
            pos = norm.find(cue, start, end)
            count = 0
            while pos >= 0:
                # "是不是" asks, "不然" opens a condition: neither negates
                if not _a_not_a(norm, pos, cue) and not any(norm.startswith(b, pos) for b in self.breaks):
                    count += 1
                pos = norm.find(cue, pos + 1, end)
            if count > example.count(cue):
                return True
        return False

    def reported_speech(self, utt: Utterance, start: int, end: int | None = None) -> bool:
        norm = utt.norm
        if end is not None and self.reported_after:
            # a warning about fraud ("…的都是诈骗", "那是骗子") after the hit, same sentence
            sentences = utt._bound_lists()[1]
            stop = next((b for b in sentences if b > end), len(norm))
            tail = norm[end:min(stop, end + self.reported_window)]
            if any(cue in tail for cue in self.reported_after):
                return True
        lo = max(utt.sentence_start(start), start - self.reported_window)
        # a cue may run into the hit ("您刚才说有人…" where "说有人" sounds like "所有人")
        prefix = norm[lo:start + self.reported_overlap]
        for cue in self.reported:
            idx = prefix.find(cue)
            while 0 <= idx < start - lo:
                after = lo + idx + len(cue)
                # "你说你…" is a rhetorical lead-in to the speaker's own words, not a report,
                # and "你说话…" is "you speak"; the polite "您说您…" is the collector repeating the
                # debtor; "我跟你说" / "对您说" is the speaker telling, not reporting
                rhetorical = cue.endswith("说") and cue[0] == "你" and norm[after:after + 1] in ("你", "您", "话")
                at = lo + idx
                telling = (cue in ("你说", "您说") and at > 0 and norm[at - 1] in _TELLING
                           and (at - 1 == utt.clause_start(at - 1) or norm[at - 2:at - 1] in ("我", "们")))
                if not (rhetorical or telling):
                    return True
                idx = prefix.find(cue, idx + 1)
        return False


def _a_not_a(norm: str, pos: int, cue: str) -> bool:
    """True for an A-not-A question ("是不是", "要不要", "有没有"): not a negation."""
    if cue[0] not in "不没" or pos == 0:
        return False
    after = pos + 1
    return after < len(norm) and norm[pos - 1] == norm[after]


class ScopedRule:
    """A rule with its ``RuleScope`` compiled: which contacts and speakers it judges."""

    def __init__(self, rule: Rule) -> None:
        self.rule = rule
        self.det = rule.detector
        self.category = rule.category.value
        scope = rule.scope
        self.kinds = set(scope.kinds)
        self.products = set(scope.products)
        self.speaker_roles = {r.value for r in scope.speaker_roles}
        self.contact_roles = {r.value for r in scope.contact_roles}

    def applies(self, kind: str | None, product: str | None, contact_role: str | None) -> bool:
        if kind and self.kinds and kind not in self.kinds:
            return False
        if product and self.products and product not in self.products:
            return False
        if contact_role and self.contact_roles and contact_role not in self.contact_roles:
            return False
        return True


class LineRule(ScopedRule):
    """A compiled line rule: scope checks plus a detector over one utterance.

    The detector (:class:`audit.rules.detectors.LineDetector`) says which terms it indexes, which
    owner's hits it needs and how it finds its hits; the filters every line rule shares
    (exclusions, negation, reported speech, hedges) are applied here.
    """

    det: LineDetector

    def __init__(self, rule: Rule, index: LexiconIndex, patterns: list[str] | None = None) -> None:
        """Compile ``rule``, adding its terms to ``index``.

        Args:
            patterns: the regex patterns with word classes expanded (default: as written).
        """
        super().__init__(rule)
        d = self.det
        rid = rule.id
        self.owner_terms = f"{rid}/terms"
        self.owner_first = f"{rid}/first"
        self.owner_second = f"{rid}/second"
        self.owner_exclude = f"{rid}/exclude"
        self.owner_regex = f"{rid}/regex"
        self.owner_similar = f"{rid}/similar"
        d.index_terms(self, index)
        for term in d.exclude:
            index.add(term, self.owner_exclude, pinyin=True, fuzzy=False)
        # the owner whose hits any firing needs (the terms, the first co-occurrence group, or
        # the regex patterns that passed the prefilter)
        self.needs = d.needs(self)
        # the examples of a similar rule; the pack's SimilarIndex says which of them an
        # utterance may match (under owner_similar), as the prefilter does for regex patterns
        self.similar = d.similar_rule(self)
        # a regex rule's compiled patterns, each with the character sets a match needs
        self.patterns = d.compile_patterns(patterns or [])

    def candidates(self, utt: Utterance, lex: dict[str, list[Hit]]) -> list[Hit]:
        return self.det.candidates(self, utt, lex)

    def hits(self, utt: Utterance, lex: dict[str, list[Hit]], filters: LineFilters) -> list[Hit]:
        found = self.det.candidates(self, utt, lex)
        if not found:
            return []
        excluded = lex.get(self.owner_exclude, ())
        kept = []
        for hit in found:
            if any(x.start < hit.end and hit.start < x.end for x in excluded):
                continue
            if self.det.negatable and filters.negated(utt, hit.start):
                continue
            if self.det.negatable and self.det.negated_in_hit(self, utt, hit, filters):
                continue  # a negation inside the match ("家人不会收到", "我们不会去你家")
            if self.det.skip_reported and filters.reported_speech(utt, hit.start, hit.end):
                continue
            if self.det.hedgeable and filters.hedged(utt, hit.start):
                continue
            kept.append(hit)
        return kept


@lru_cache(maxsize=4096)
def _names_of(creditor: str | None, agency: str | None) -> tuple[str, ...]:
    return tuple(_first_person_names(creditor, agency))


def _first_person_names(creditor: str | None, agency: str | None) -> list[str]:
    """The creditor and agency names a collector may introduce themself with, and short forms:
    the forms people say (:func:`audit.names.short_forms`: 中国民生银行股份有限公司 → 民生银行, 民生;
    深圳前海汇通网络小额贷款有限公司 → 汇通小贷, 汇通), and the name with its suffixes stripped one by
    one. "信用卡中心" alone names no institution."""
    names: set[str] = {f for name in (creditor, agency) for f in short_forms(name or "") if f != CARD_CENTRE}
    suffixes = ("股份有限公司", "服务有限公司", "有限责任公司", "有限公司", "信用卡中心", "网络小额贷款",
                "小额贷款", "网络小贷", "小贷", "催收服务", "催收", "服务", "公司", "集团",
                "管理", "咨询", "商务", "信息", "科技")  # 诚汇资产管理 -> 诚汇资产, 安信达商务咨询 -> 安信达
    for name in (creditor, agency):
        name = (name or "").strip()
        if not name:
            continue
        names.add(name)
        short = name
        changed = True
        while changed:
            changed = False
            for suffix in suffixes:
                if short.endswith(suffix) and len(short) - len(suffix) >= 2:
                    short = short[: -len(suffix)]
                    names.add(short)
                    changed = True
    return sorted(names)


class RequiredRule:
    """A compiled required statement, checked over all in-scope utterances of a contact."""

    def __init__(self, rule: Rule, patterns: list[str] | None = None, index: LexiconIndex | None = None) -> None:
        """Compile ``rule``.

        Args:
            patterns: the regex patterns with word classes expanded (default: as written).
            index: a shared index (the pack's) to add the terms to, so that one scan of an
                utterance serves the line rules and every required statement; then
                :meth:`satisfied` needs the scan of that index as ``lexicon``. Default: an own index.
        """
        self.rule = rule
        d = cast("RequiredDetector", rule.detector)  # the pack builds a RequiredRule for its "required" family only
        self.det = d
        self.owner = f"{rule.id}/required"
        self.shared = index is not None
        self.index = index if index is not None else LexiconIndex()
        for term in d.terms:
            self.index.add(term, self.owner)
        if not self.shared:
            self.index.compile()
        patterns = patterns or d.patterns
        self.regex = re.compile("|".join(f"(?:{p})" for p in patterns)) if patterns else None
        self._name_index: dict[tuple[str, ...], LexiconIndex] = {}

    def _names(self, contact: Contact | None) -> LexiconIndex | None:
        if contact is None or not self.det.contact_names:
            return None
        names = _names_of(contact.creditor, contact.agency)
        if not names:
            return None
        index = self._name_index.get(names)
        if index is None:
            index = LexiconIndex()
            for name in names:
                index.add(name, "name")
            index.compile()
            self._name_index[names] = index
        return index

    def satisfied(self, utts: Iterable[Utterance], contact: Contact | None, filters: LineFilters,
                  first_person: list[str], lexicon: Callable[[Utterance], dict[str, list[Hit]]] | None = None) -> bool:
        """Whether an utterance of ``utts`` makes the statement (not negated).

        Args:
            lexicon: the scan of the shared index an utterance (required when the rule was
                compiled with one); default: this rule's own index.
        """
        if lexicon is None:
            if self.shared:
                raise ValueError(f"rule {self.rule.id}: compiled on a shared index; pass its scan as lexicon")
            lexicon = self.index.scan
        names = self._names(contact)
        for utt in utts:
            hits = list(lexicon(utt).get(self.owner, []))
            if self.regex is not None:
                hits += [Hit(m.start(), m.end(), m.group(), "text") for m in self.regex.finditer(utt.norm)]
            for hit in hits:
                if not filters.negated(utt, hit.start):
                    return True
            if names is not None:
                for hit in names.scan(utt).get("name", []):
                    lo = max(utt.sentence_start(hit.start), hit.start - 12)
                    before = utt.norm[lo:hit.start]
                    after = utt.norm[hit.end:hit.end + 3]
                    # "(受)光大银行委托…": the log's institution commissioning the call (受 is often
                    # misheard, the name and 委托 are not)
                    commissioned = after.startswith(("委托", "的委托"))
                    if (any(p in before for p in first_person) or commissioned or _elliptical_intro(utt, hit)) \
                            and not filters.negated(utt, hit.start):
                        return True
        return False


_GREETINGS = ("", "喂", "您好", "你好", "喂您好", "喂你好")


def _elliptical_intro(utt: Utterance, hit: Hit) -> bool:
    """The name alone as a clause, ``"X的，"``: a caller's "(我是)X的" with the subject left out.

    One character may follow the name in the clause whatever it is, because the recogniser
    often mishears the unstressed 的 (中信银行信用卡中心闻).
    """
    norm = utt.norm
    if norm[utt.clause_start(hit.start):hit.start] not in _GREETINGS:
        return False
    # the clause ends right after the name, or one character later
    return any(end == len(norm) or (end < len(norm) and utt.clause_start(end) == end)
               for end in (hit.end, hit.end + 1))


def contact_finding(rule: Rule, citation: str, contact: Contact, evidence: str,
                    details: dict[str, Any]) -> Finding:
    """A contact-level finding (no speaker, no times)."""
    return Finding(call_id=contact.call_id, rule_id=rule.id, category=rule.category.value,
                   severity=rule.severity.value, title=rule.title_zh, citation=citation,
                   evidence=evidence, details={"title_en": rule.title_en, **details},
                   detector=detector_label(rule.detector))


def line_finding(rule: Rule, citation: str, call_id: str, seg: Segment, hits: list[Hit]) -> Finding:
    """A finding on one utterance: the evidence is the segment's exact words."""
    return Finding(call_id=call_id, rule_id=rule.id, category=rule.category.value,
                   severity=rule.severity.value, title=rule.title_zh, citation=citation,
                   speaker=seg.speaker, role=seg.role, start=seg.start, end=seg.end,
                   evidence=seg.text,
                   details={"title_en": rule.title_en, "matched": [h.term for h in hits],
                            "via": sorted({h.via for h in hits})},
                   detector=detector_label(rule.detector))


def model_finding(rule: Rule, citation: str, call_id: str, seg: Segment, probability: float, *,
                  suspected: bool) -> Finding:
    """The learned second opinion on one utterance, with its probability as the confidence."""
    p = round(probability, 4)
    return Finding(call_id=call_id, rule_id=rule.id, category=rule.category.value,
                   severity=rule.severity.value, title=rule.title_zh, citation=citation,
                   speaker=seg.speaker, role=seg.role, start=seg.start, end=seg.end,
                   evidence=seg.text,
                   details={"title_en": rule.title_en, "probability": p, "suspected": suspected},
                   detector="model", confidence=p)
