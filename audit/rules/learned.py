"""The learned second opinion: a text classifier over the six speech categories.

Character 1–3-gram TF-IDF and a logistic regression (scikit-learn, fixed ``random_state``),
trained on labelled collector lines (:mod:`audit.rules.labelled`) plus the pack's ``similar``
examples (as lines of their rule's category) and counter-examples (as compliant lines). It
trains at first use, in a few seconds, and is kept per process: every pack with the same
training data shares one classifier.

Scoring goes through the fitted vocabulary, idf weights and coefficients directly rather than
through scikit-learn's ``transform`` and ``predict_proba``: the n-grams of a contact's lines are
made as integers in numpy and found by binary search in the vocabulary, in one pass per batch.
The numbers are the same (``tests/rules/test_rules_model.py`` checks it); the time is a fraction
of theirs, which would cost more than the rule scan itself.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, cast

import numpy as np

from audit.rules.labelled import COMPLIANT
from audit.rules.model import ModelSettings, Rule
from audit.schema import Finding, Segment
from audit.text import normalize

if TYPE_CHECKING:
    from audit.rules.detectors import SimilarDetector
    from audit.rules.engine import ScopedRule

NGRAMS = (1, 3)
C = 4.0  # inverse regularisation strength of the logistic regression
RANDOM_STATE = 0


@dataclass(frozen=True)
class TrainingSet:
    """Normalised texts and their labels (a category or COMPLIANT)."""

    texts: tuple[str, ...]
    labels: tuple[str, ...]

    def digest(self) -> str:
        blob = json.dumps([NGRAMS, C, RANDOM_STATE, self.texts, self.labels], ensure_ascii=False)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()

    def check(self, source: str) -> None:
        """Raise ``ValueError`` unless there are compliant lines and lines of a category."""
        kinds = set(self.labels)
        if COMPLIANT not in kinds:
            raise ValueError(f"{source}: no COMPLIANT lines to train on; the model needs both kinds")
        if len(kinds) < 2:
            raise ValueError(f"{source}: no violation lines to train on; the model needs both kinds")


class NgramScorer:
    """The linear scores of a fitted character 1–3-gram TF-IDF model, in numpy alone.

    Built from a fitted ``TfidfVectorizer`` (``analyzer="char"``, ``sublinear_tf``, l2 norm)
    and a linear model (:meth:`fitted`), or from the arrays :meth:`arrays` gives (a model
    trained once and shipped, :mod:`pipelines.speakers`): no scikit-learn at scoring time.
    """

    def __init__(self, keys: np.ndarray, key_features: np.ndarray, idf: np.ndarray, weights: np.ndarray,
                 intercept: np.ndarray) -> None:
        self._keys = np.asarray(keys, dtype=np.int64)
        self._key_features = np.asarray(key_features, dtype=np.int64)
        # one more feature for every n-gram the training never saw, with zero idf and weights
        self._unknown = len(idf) - 1
        self._idf = np.asarray(idf, dtype=np.float64)
        self._weights = np.ascontiguousarray(weights, dtype=np.float64)
        self._intercept = np.asarray(intercept, dtype=np.float64)

    @classmethod
    def fitted(cls, vectorizer, model) -> NgramScorer:
        """The scorer of a fitted vectorizer and linear model (``coef_``, ``intercept_``)."""
        vocab: dict[str, int] = vectorizer.vocabulary_
        # the vocabulary as sorted integer keys (see scores) and their feature columns
        keys = np.array([_gram_key(g) for g in vocab], dtype=np.int64)
        order = np.argsort(keys)
        coef = model.coef_.T  # features × (classes, or 1 when binary)
        return cls(keys[order], np.array(list(vocab.values()), dtype=np.int64)[order],
                   np.append(np.asarray(vectorizer.idf_, dtype=np.float64), 0.0),
                   np.vstack([coef, np.zeros((1, coef.shape[1]))]), model.intercept_)

    def arrays(self) -> dict[str, np.ndarray]:
        """What :class:`NgramScorer` is built from (``np.savez`` them; ``NgramScorer(**arrays)``)."""
        return {"keys": self._keys, "key_features": self._key_features, "idf": self._idf,
                "weights": self._weights, "intercept": self._intercept}

    def scores(self, texts: Sequence[str]) -> np.ndarray:
        """The linear model's scores (``decision_function``), one row per text.

        The n-grams of all the texts are made at once, as integers from the code points (21 bits
        each: a 3-gram fits in 63), and found in the sorted keys of the vocabulary; no Python
        loop runs per character. The texts must hold no NUL (normalised text holds none).
        """
        n = len(texts)
        points = np.frombuffer("\0".join(texts).encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
        line = np.cumsum(points == 0)  # which text each position belongs to (a NUL separates them)
        real = points != 0
        two = (points[:-1] << 21) | points[1:]
        three = (two[:-1] << 21) | points[2:]
        real2 = real[:-1] & real[1:]
        real3 = real2[:-1] & real[2:]
        grams = np.concatenate((points[real], two[real2], three[real3]))
        rows = np.concatenate((line[real], line[:-1][real2], line[:-2][real3], np.arange(n)))
        at = np.searchsorted(self._keys, grams)
        at[at == len(self._keys)] = 0
        known = self._keys[at] == grams
        # an n-gram the training never saw is the unknown feature, whose idf and weights are
        # zero; each text gets one too, so that every text has a row, in order
        features = np.concatenate((np.where(known, self._key_features[at], self._unknown),
                                   np.full(n, self._unknown)))
        width = self._unknown + 1
        # distinct (text, feature) pairs and their counts, in text order; then TfidfTransformer's
        # steps: sublinear tf, times idf, each row scaled to unit length
        pairs, counts = np.unique(rows * width + features, return_counts=True)
        rows, features = np.divmod(pairs, width)
        values = np.log(counts)
        values += 1.0
        values *= self._idf[features]
        lengths = np.sqrt(np.bincount(rows, weights=values * values, minlength=n))
        np.maximum(lengths, 1e-300, out=lengths)  # a text with no known n-gram: the intercept alone
        starts = np.flatnonzero(np.diff(rows, prepend=-1))
        scores = np.add.reduceat(self._weights[features] * values[:, None], starts)
        scores /= lengths[:, None]
        scores += self._intercept
        return scores


class TextClassifier:
    """A fitted classifier; :meth:`probabilities` scores normalised lines."""

    def __init__(self, data: TrainingSet) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        self.vectorizer = TfidfVectorizer(analyzer="char", ngram_range=NGRAMS, lowercase=False,
                                          sublinear_tf=True, dtype=np.float64)
        from threadpoolctl import threadpool_limits

        matrix = self.vectorizer.fit_transform(data.texts)
        self.model = LogisticRegression(C=C, class_weight="balanced", max_iter=2000, random_state=RANDOM_STATE)
        # one thread: BLAS threads fighting the batch workers for the cores made a 0.3 s fit
        # take seconds, and one thread gives the same numbers on every machine
        with threadpool_limits(1):
            self.model.fit(matrix, list(data.labels))
        self.classes: tuple[str, ...] = tuple(str(c) for c in self.model.classes_)
        self._scorer = NgramScorer.fitted(self.vectorizer, self.model)

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """Class probabilities, one row per normalised text, columns in :attr:`classes` order
        (:meth:`NgramScorer.scores`, then the logistic or the softmax)."""
        scores = self._scorer.scores(texts)
        if scores.shape[1] == 1:  # binary: the one column is the second class
            positive = 1.0 / (1.0 + np.exp(-scores[:, 0]))
            return np.column_stack([1.0 - positive, positive])
        scores -= scores.max(axis=1, keepdims=True)
        np.exp(scores, out=scores)
        scores /= scores.sum(axis=1, keepdims=True)
        return scores


def _gram_key(gram: str) -> int:
    """The integer :meth:`TextClassifier.probabilities` computes for an n-gram (n ≤ 3)."""
    key = 0
    for ch in gram:
        key = (key << 21) | ord(ch)
    return key


_CACHE: dict[str, TextClassifier] = {}
_LOCK = threading.Lock()


def classifier_for(data: TrainingSet) -> TextClassifier:
    """The classifier trained on ``data``: trained on first use, then kept for the process."""
    key = data.digest()
    with _LOCK:  # two threads (dashboard sessions) must not both train
        found = _CACHE.get(key)
        if found is None:
            found = _CACHE[key] = TextClassifier(data)
        return found


class SecondOpinion:
    """A pack's learned second opinion, compiled: its rules, thresholds and training data.

    The training file is read (and checked) when the pack loads; the classifier trains when
    the first utterance needs it.
    """

    def __init__(self, settings: ModelSettings, training_file: Path, rules: list[Rule],
                 similar: list[Rule]) -> None:
        """Read the training data.

        Args:
            settings: the pack's ``model:`` section.
            training_file: its ``training_file``, resolved.
            rules: the pack's ``type: model`` rules.
            similar: the pack's ``type: similar`` rules, whose examples train as lines of their
                category and whose counter-examples as compliant lines.

        Raises:
            LabelledFileError: the file is missing or a row is invalid (file and line named).
            ValueError: the data lacks compliant lines or violation lines.
        """
        from audit.rules.engine import ScopedRule
        from audit.rules.labelled import read_labelled

        self.settings = settings
        self.training_file = training_file
        self.rules = [ScopedRule(r) for r in rules]
        texts: list[str] = []
        labels: list[str] = []
        for line in read_labelled(training_file):
            texts.append(normalize(line.text))
            labels.append(line.category)
        for rule in similar:
            det = cast("SimilarDetector", rule.detector)  # the pack passes its similar rules only
            for example in det.examples:
                texts.append(normalize(example))
                labels.append(rule.category.value)
            for counter in det.counter_examples:
                texts.append(normalize(counter))
                labels.append(COMPLIANT)
        self.data = TrainingSet(tuple(texts), tuple(labels))
        self.data.check(str(training_file))
        self._classifier: TextClassifier | None = None

    @property
    def classifier(self) -> TextClassifier:
        if self._classifier is None:
            self._classifier = classifier_for(self.data)
        return self._classifier

    def findings(self, call_id: str, work: list[tuple[Segment, str, list[ScopedRule]]],
                 citations: dict[str, str]) -> list[Finding]:
        """The second opinion on ``work``: (segment, its normalised text, the model rules that
        judge it, each of a category no rule raised on it), batched in one classifier call."""
        from audit.rules.engine import model_finding

        classifier = self.classifier
        probabilities = classifier.probabilities([norm for _, norm, _ in work]).tolist()
        column = {c: i for i, c in enumerate(classifier.classes)}
        report, suspect = self.settings.report_threshold, self.settings.suspect_threshold
        out = []
        for (seg, _, rules), row in zip(work, probabilities):
            for scoped in rules:
                col = column.get(scoped.category)
                if col is None:
                    continue  # a category the training data never showed
                p = row[col]
                if p >= suspect:
                    out.append(model_finding(scoped.rule, citations[scoped.rule.id], call_id, seg, p,
                                             suspected=p < report))
        return out
