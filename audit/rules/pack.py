"""A compiled rule pack: scan utterances, contacts and whole call logs.

Rules are sorted by their detector's family (:mod:`audit.rules.detectors`): line rules run on
each utterance, required statements over a contact's utterances, the learned second opinion
after the line rules, metadata and acoustic detectors per contact, log detectors across the
call log. Each detector judges by its own methods; nothing here branches on a detector type.
:func:`audit.rules.loader.load_pack` reads and validates a pack file into a :class:`RulePack`.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from audit.rules import conduct
from audit.rules.detectors import SimilarDetector
from audit.rules.detectors.base import LogDetector, MetadataDetector
from audit.rules.engine import LineFilters, LineRule, RequiredRule, contact_finding, line_finding
from audit.rules.learned import SecondOpinion
from audit.rules.matcher import Hit, LexiconIndex, Utterance
from audit.rules.model import Alerts, ModelSettings, PackError, Parameters, Rule, expand_classes
from audit.rules.prefilter import PatternFilter
from audit.rules.similar import SimilarIndex
from audit.schema import Contact, Finding, Segment


@dataclass(frozen=True)
class LineVerdict:
    """What a pack says about one utterance (:meth:`RulePack.judge`)."""

    text: str
    findings: tuple[Finding, ...]

    @property
    def categories(self) -> list[str]:
        """The categories reported (suspected findings left out)."""
        return sorted({f.category for f in self.findings if not f.suspected})

    @property
    def rule_ids(self) -> list[str]:
        """The rules that reported (suspected findings left out)."""
        return sorted({f.rule_id for f in self.findings if not f.suspected})

    @property
    def suspected(self) -> list[str]:
        """The categories the learned model only suspects (and nothing reported)."""
        reported = set(self.categories)
        return sorted({f.category for f in self.findings if f.suspected} - reported)


class _RuleSet:
    """Line rules in scope for one kind of speaker, in run order, indexed by the owner they need."""

    __slots__ = ("key", "owners", "position", "rules")

    def __init__(self, rules: list[LineRule], key: tuple[int, ...], required: frozenset[str]) -> None:
        self.rules = rules
        self.key = key
        self.position = {lr.needs: i for i, lr in enumerate(rules)}
        # the lexicon owners these rules read, and every required statement's: a contact's
        # required statements reuse the scan of its line rules
        self.owners = frozenset(o for lr in rules for o in (lr.owner_terms, lr.owner_first, lr.owner_second,
                                                             lr.owner_exclude)) | required


class RulePack:
    """A compiled rule pack: scan utterances, contacts and whole call logs."""

    def __init__(self, rules: list[Rule], parameters: Parameters | None = None, source: str = "", *,
                 model: ModelSettings | None = None, training_file: Path | None = None,
                 alerts: Alerts | None = None) -> None:
        """Compile ``rules``.

        Args:
            model: the pack's ``model:`` section; with a ``training_file`` (resolved) and
                ``type: model`` rules, the learned second opinion runs after the line rules.

        Raises:
            PackError: a regex names an unknown word class, or the training file is unusable.
        """
        self.rules = [r for r in rules if r.enabled]
        self.parameters = parameters or Parameters()
        self.source = source
        # which findings alert supervisors (``audit watch``); not part of the version: alerting
        # changes no finding, so a new alert policy must not re-audit anything
        self.alerts = alerts or Alerts()
        self.model = model
        self._second: SecondOpinion | None = None
        stage: dict[str, list[Rule]] = defaultdict(list)  # the rules by detector family, in pack order
        for r in self.rules:
            stage[r.detector.stage].append(r)
        if model is not None and training_file is not None and stage["model"]:
            try:
                # the similar rules' examples and counter-examples train the model too
                self._second = SecondOpinion(model, training_file, stage["model"],
                                             [r for r in stage["line"] if isinstance(r.detector, SimilarDetector)])
            except ValueError as exc:  # LabelledFileError names the file and the line
                raise PackError(f"{source}: field model.training_file: {exc}") from None
        self.version = self._version(rules, self.parameters, model, self._second)
        self._citations = {r.id: str(r.citation) for r in self.rules}
        self._filters = LineFilters(self.parameters)
        self._index = LexiconIndex()
        line = [LineRule(r, self._index, self._patterns(r)) for r in stage["line"]]
        # fallback (frame) rules run after the specific ones: see LineOptions.fallback
        self._line = [lr for lr in line if not lr.det.fallback] + [lr for lr in line if lr.det.fallback]
        # required statements share the index: one scan of an utterance serves every rule
        self._required = [RequiredRule(r, self._patterns(r), self._index) for r in stage["required"]]
        self._required_owners = frozenset(req.owner for req in self._required)
        self._index.compile()
        # the examples of the similar rules, prefiltered together (see similar.py)
        self._similar = SimilarIndex()
        for lr in self._line:
            if lr.similar is not None:
                self._similar.add(lr.similar)
        self._similar.compile()
        # which regex patterns an utterance can possibly match (see prefilter.py)
        self._pattern_filter = PatternFilter([(lr.owner_regex, i, sets) for lr in self._line
                                              for i, (_, sets) in enumerate(lr.patterns)])
        # line results per distinct utterance and scope: scripted lines repeat all night long
        self._cache: dict[tuple, list[tuple[LineRule, list]]] = {}
        self._rule_sets: dict[tuple[int, ...], _RuleSet] = {}
        self._utts: dict[str, Utterance] = {}
        self.cache_size = 50_000
        self._meta = stage["metadata"]
        self._log = stage["log"]
        self._acoustic = stage["acoustic"]

    def _patterns(self, rule: Rule) -> list[str] | None:
        """The rule's regex patterns with ``{CLASS}`` word classes expanded (None: no patterns)."""
        patterns = getattr(rule.detector, "patterns", None)
        if not patterns:
            return None
        classes = self.parameters.word_classes
        out = []
        for n, pattern in enumerate(patterns, start=1):
            try:
                expanded = expand_classes(pattern, classes)
            except KeyError as exc:
                known = ", ".join(sorted(classes)) or "none"
                raise PackError(f"{self.source}: rule {rule.id}: field detector.patterns.{n}: unknown word "
                                f"class {{{exc.args[0]}}}; define it under parameters.word_classes "
                                f"(defined: {known})") from None
            try:
                re.compile(expanded)
            except re.error as exc:
                raise PackError(f"{self.source}: rule {rule.id}: field detector.patterns.{n}: not a valid "
                                f"regular expression once word classes are expanded ({exc})") from None
            out.append(expanded)
        return out

    @staticmethod
    def _version(rules: list[Rule], params: Parameters, model: ModelSettings | None = None,
                 second: SecondOpinion | None = None) -> str:
        content: dict[str, Any] = {"parameters": params.model_dump(mode="json"),
                                   "rules": sorted((r.model_dump(mode="json") for r in rules), key=lambda r: r["id"])}
        if model is not None:  # packs without a model keep the version they had before models
            content["model"] = {"report_threshold": model.report_threshold,
                                "suspect_threshold": model.suspect_threshold,
                                # what it learns from, not where the file lies
                                "training": second.data.digest() if second is not None else None}
        blob = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:12]

    def citation_for(self, rule_id: str) -> str:
        """The citation text of a rule ("source article"); ``KeyError`` for an unknown id."""
        return self._citations[rule_id]

    # -- line rules -------------------------------------------------------------------------

    def scan_segments(self, call_id: str, segments: Iterable[Segment], *, kind: str | None = None,
                      product: str | None = None, contact_role: str | None = None) -> list[Finding]:
        """Line rules over utterances; one finding per rule and segment."""
        return self._scan_lines(call_id, segments, kind, product, contact_role, {})

    def _scan_lines(self, call_id: str, segments: Iterable[Segment], kind: str | None, product: str | None,
                    contact_role: str | None, utts: dict[str, Utterance]) -> list[Finding]:
        """:meth:`scan_segments`, keeping each utterance's views in ``utts`` (one contact's)."""
        if self._second is not None:
            return self._scan_lines_with_model(call_id, segments, kind, product, contact_role, utts)
        rules = [lr for lr in self._line if lr.applies(kind, product, contact_role)]
        by_role: dict[str, _RuleSet] = {}
        findings: list[Finding] = []
        for seg in segments:
            in_scope = by_role.get(seg.role)
            if in_scope is None:
                in_scope = by_role[seg.role] = self._rule_set([lr for lr in rules if seg.role in lr.speaker_roles])
            if not in_scope.rules or not seg.text:
                continue
            for lr, hits in self._line_hits(seg.text, in_scope, utts):
                findings.append(line_finding(lr.rule, self._citations[lr.rule.id], call_id, seg, hits))
        return findings

    def _scan_lines_with_model(self, call_id: str, segments: Iterable[Segment], kind: str | None,
                               product: str | None, contact_role: str | None,
                               utts: dict[str, Utterance]) -> list[Finding]:
        """The line rules, then the learned second opinion on the in-scope utterances where no
        rule raised the category it judges (all of a contact's in one classifier call)."""
        second = self._second
        assert second is not None
        rules = [lr for lr in self._line if lr.applies(kind, product, contact_role)]
        models = [m for m in second.rules if m.applies(kind, product, contact_role)]
        by_role: dict[str, tuple[_RuleSet, list]] = {}
        findings: list[Finding] = []
        work: list[tuple[Segment, str, list]] = []
        for seg in segments:
            found = by_role.get(seg.role)
            if found is None:
                found = by_role[seg.role] = (
                    self._rule_set([lr for lr in rules if seg.role in lr.speaker_roles]),
                    [m for m in models if seg.role in m.speaker_roles])
            in_scope, in_role = found
            if not seg.text:
                continue
            raised = set()
            if in_scope.rules:
                for lr, hits in self._line_hits(seg.text, in_scope, utts):
                    findings.append(line_finding(lr.rule, self._citations[lr.rule.id], call_id, seg, hits))
                    raised.add(lr.category)
            if in_role:
                pending = [m for m in in_role if m.category not in raised]
                if pending:
                    work.append((seg, self._utterance(seg.text, utts).norm, pending))
        if work:
            findings.extend(second.findings(call_id, work, self._citations))
        return findings

    def _regex_candidates(self, utt: Utterance, lex: dict) -> None:
        """Add to ``lex`` the regex patterns that can match ``utt``, under each rule's owner key."""
        self._pattern_filter.candidates(utt.norm, lex)
        if self._similar:
            self._similar.candidates(utt, lex)

    def _utterance(self, text: str, local: dict[str, Utterance] | None = None) -> Utterance:
        """The (cached) matching views of ``text``; required statements and line rules share them.

        Args:
            local: the views of one contact's utterances, kept even with the cache off, so that
                the line rules and the required statements of a contact normalise a line once.
        """
        if local is not None:
            utt = local.get(text)
            if utt is None:
                utt = local[text] = self._utterance(text)
            return utt
        utt = self._utts.get(text)
        if utt is None:
            if not self.cache_size:
                return Utterance(text)
            if len(self._utts) >= self.cache_size:
                self._utts.pop(next(iter(self._utts)))
            utt = self._utts[text] = Utterance(text)
        return utt

    def _lexicon(self, utt: Utterance, owners: frozenset[str] | None) -> dict[str, list[Hit]]:
        """The hits of the terms of ``owners`` in ``utt``, by owner (scanned once per utterance)."""
        lex = utt.lexicon.get(owners)
        if lex is None:
            lex = utt.lexicon[owners] = self._index.scan(utt, owners)
        return lex

    def _required_lexicon(self, utt: Utterance) -> dict[str, list[Hit]]:
        """A scan that holds the required statements' terms: any line scan does (see _RuleSet)."""
        for lex in utt.lexicon.values():
            return lex
        return self._lexicon(utt, self._required_owners)

    def _rule_set(self, rules: list[LineRule]) -> _RuleSet:
        key = tuple(map(id, rules))
        found = self._rule_sets.get(key)
        if found is None:
            found = self._rule_sets[key] = _RuleSet(rules, key, self._required_owners)
        return found

    def _line_hits(self, text: str, rules: _RuleSet,
                   utts: dict[str, Utterance] | None = None) -> list[tuple[LineRule, list]]:
        """The line rules of ``rules`` that fire on ``text``, with their hits (cached)."""
        if self.cache_size:
            key = (text, rules.key)
            cached = self._cache.get(key)
            if cached is not None:
                return cached
        utt = self._utterance(text, utts)
        lex = dict(self._lexicon(utt, rules.owners))  # a copy: the regex candidates go in next
        self._regex_candidates(utt, lex)
        fired: set[str] = set()
        out = []
        # only the rules whose terms (or candidate patterns) are present can fire: their
        # positions, from the owners found, instead of a test per rule
        position = rules.position
        line = rules.rules
        for pos in sorted({position[owner] for owner in lex if owner in position}):
            lr = line[pos]
            if lr.det.fallback and lr.category in fired:
                continue
            hits = lr.hits(utt, lex, self._filters)
            if hits:
                fired.add(lr.category)
                out.append((lr, hits))
        if self.cache_size:
            if len(self._cache) >= self.cache_size:
                self._cache.pop(next(iter(self._cache)))  # oldest first
            self._cache[key] = out
        return out

    def scan_text(self, text: str, role: str = "agent", contact_role: str = "debtor",
                  kind: str = "call") -> list[Finding]:
        """Line rules over one utterance said by ``role`` to a person of ``contact_role``."""
        seg = Segment(speaker=role, role=role, start=0.0, end=0.0, text=text)
        return self.scan_segments("-", [seg], kind=kind, contact_role=contact_role)

    def judge(self, text: str, role: str = "agent", contact_role: str = "debtor", kind: str = "call") -> LineVerdict:
        """The verdict on one utterance, as ``audit rules test`` and ``audit rules eval`` give it."""
        return LineVerdict(text, tuple(self.scan_text(text, role=role, contact_role=contact_role, kind=kind)))

    @property
    def has_model(self) -> bool:
        """Whether the learned second opinion runs (a ``model:`` section with training data)."""
        return self._second is not None

    # -- contacts ---------------------------------------------------------------------------

    def scan_contact(self, contact: Contact, segments: list[Segment],
                     metrics: dict | None = None) -> list[Finding]:
        """Line rules, required statements, per-contact metadata rules and the acoustic (conduct)
        rules for one contact."""
        metrics = metrics or {}
        utts: dict[str, Utterance] = {}
        findings = self._scan_lines(contact.call_id, segments, contact.kind, contact.product,
                                    contact.contact_role, utts)
        for req in self._required:
            rule = req.rule
            if not self._in_scope(rule, contact):
                continue
            roles = {r.value for r in rule.scope.speaker_roles}
            texts = [s.text for s in segments if s.role in roles and s.text]
            if not contact.has_recording or not texts:
                continue  # nothing was heard: a recording problem, not a missing statement
            # lazily: the introduction usually comes first
            views = (self._utterance(text, utts) for text in texts)
            if not req.satisfied(views, contact, self._filters, self.parameters.first_person,
                                self._required_lexicon):
                findings.append(contact_finding(rule, self._citations[rule.id], contact, "",
                                                {"missing": req.det.description or rule.title_en}))
        for rule in self._meta:
            if self._in_scope(rule, contact):
                finding = self._metadata(rule, contact, metrics)
                if finding is not None:
                    findings.append(finding)
        for rule in self._acoustic:
            if self._in_scope(rule, contact):
                findings.extend(conduct.conduct_finding(rule, self._citations[rule.id], contact.call_id, stretch)
                                for stretch in conduct.judge(rule, segments, self.parameters))
        from audit.voiceprints import attribute_findings

        return attribute_findings(findings, segments)

    def conduct_metrics(self, segments: list[Segment]) -> dict[str, Any]:
        """The collector's conduct in figures with this pack's thresholds (raised-voice seconds,
        talk-overs; :func:`audit.rules.conduct.conduct_metrics`): stored with the contact's
        metrics, averaged in the scorecards."""
        return conduct.conduct_metrics(segments, self.parameters)

    @staticmethod
    def _in_scope(rule: Rule, contact: Contact) -> bool:
        scope = rule.scope
        if scope.kinds and contact.kind not in scope.kinds:
            return False
        if scope.products and contact.product not in scope.products:
            return False
        if scope.contact_roles and contact.contact_role not in {r.value for r in scope.contact_roles}:
            return False
        return True

    def _metadata(self, rule: Rule, contact: Contact, metrics: dict) -> Finding | None:
        det = rule.detector
        assert isinstance(det, MetadataDetector)  # the rule is one of the "metadata" family
        verdict = det.judge(contact, metrics, self.parameters)
        if verdict is None:
            return None
        evidence, details = verdict
        return contact_finding(rule, self._citations[rule.id], contact, evidence, details)

    # -- whole call log ---------------------------------------------------------------------

    def scan_log(self, contacts: list[Contact]) -> list[Finding]:
        """Rules across contacts (attempts and connected calls per debtor per day)."""
        p = self.parameters
        findings: list[Finding] = []
        for rule in self._log:
            det = rule.detector
            assert isinstance(det, LogDetector)  # self._log: the "log" family
            limit = det.limit(p)
            groups: dict[tuple[str, Any], list[Contact]] = defaultdict(list)
            for c in contacts:
                if not self._in_scope(rule, c):
                    continue
                who = c.debtor_id or c.case_id
                if not who:
                    continue
                if not det.counts(c, p):
                    continue
                groups[(who, c.started_at.date())].append(c)
            for (who, day), group in groups.items():
                group.sort(key=lambda c: c.started_at)
                for n, c in enumerate(group, start=1):
                    if n > limit:
                        findings.append(contact_finding(
                            rule, self._citations[rule.id], c,
                            f"{n}th contact with debtor {who} on {day} (limit {limit})",
                            {"debtor_id": who, "date": day.isoformat(), "count": n, "limit": limit}))
        return findings
