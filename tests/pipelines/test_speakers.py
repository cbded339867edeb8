"""Speakers and roles decided from the voices and the words together."""

from __future__ import annotations

import numpy as np
import pytest

from pipelines.asr import AsrSegment, Word
from pipelines.process import piece_texts
from pipelines.speakers import RoleTextModel, attribute, role_text_model, set_partitions


@pytest.mark.parametrize("n, k, stirling", [(3, 1, 1), (4, 2, 7), (5, 3, 25), (6, 3, 90), (5, 5, 1), (3, 4, 0)])
def test_set_partitions_are_all_the_groupings(n, k, stirling):
    partitions = list(set_partitions(list(range(n)), k))
    assert len(partitions) == stirling
    canonical = {tuple(sorted(tuple(sorted(b)) for b in p)) for p in partitions}
    assert len(canonical) == stirling  # no grouping twice
    assert all(sorted(i for b in p for i in b) == list(range(n)) for p in partitions)


def _voices(rng, centres, counts, spread=0.05):
    rows = []
    for centre, count in zip(centres, counts):
        rows += [centre + rng.normal(0, spread, centre.shape) for _ in range(count)]
    rows = np.array(rows)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def test_words_separate_two_voices_the_encoder_confuses():
    rng = np.random.default_rng(3)
    lead = rng.normal(size=32)
    calm, loud = lead + rng.normal(size=32) * 0.5, lead + rng.normal(size=32) * 0.5  # one collector, two moods
    agent2 = rng.normal(size=32)
    debtor = agent2 + rng.normal(size=32) * 0.25  # the second collector and the debtor sound alike
    emb = _voices(rng, [calm, loud, agent2, debtor], [3, 3, 3, 3], spread=0.03)
    durations = np.full(12, 2.0)
    text = np.array([0.3] * 6 + [1.5] * 3 + [-1.5] * 3)  # the lead says little that marks him

    voice_only = attribute(emb, durations, text, speakers=3, agents=2, text_weight=0.0)
    # the voice alone splits the lead collector's moods and merges the two look-alikes
    assert len(set(voice_only.labels[:6])) == 2 and len(set(voice_only.labels[6:])) == 1
    joint = attribute(emb, durations, text, speakers=3, agents=2, text_weight=0.5)
    assert len(set(joint.labels[:6])) == 1
    assert len(set(joint.labels[6:9])) == 1 and len(set(joint.labels[9:])) == 1
    assert joint.labels[6] != joint.labels[9]
    assert np.isin(joint.labels, list(joint.agents)).tolist() == [True] * 9 + [False] * 3


def test_the_logged_collectors_voices_separate_what_voice_and_words_merge():
    """The second collector and the debtor sound alike and the debtor's words say little: voice and
    words merge them. A voice_fit that rewards collector speakers sounding like the logged
    collectors (pipelines.voice_anchors) takes the debtor's pieces out of the collector's speaker."""
    rng = np.random.default_rng(3)
    lead, agent2 = rng.normal(size=32), rng.normal(size=32)
    debtor = agent2 + rng.normal(size=32) * 0.25
    other = rng.normal(size=32)  # a relative the log does not count: the speaker count is one short
    emb = _voices(rng, [lead, agent2, debtor, other], [3, 3, 3, 3], spread=0.03)
    durations = np.full(12, 2.0)
    text = np.array([1.0] * 6 + [-0.1] * 3 + [-1.0] * 3)
    plain = attribute(emb, durations, text, speakers=3, agents=2, text_weight=0.1)
    assert len(set(plain.labels[3:9])) == 1 and plain.labels[3] in plain.agents  # debtor in agent2's speaker

    def fit(masks: list[np.ndarray]) -> float:  # each collector speaker: the share of its time that is a profile's
        return 30.0 * sum(max(m[:3].sum(), m[3:6].sum()) / m.sum() for m in masks)

    anchored = attribute(emb, durations, text, speakers=3, agents=2, text_weight=0.1, voice_fit=fit)
    collector = np.isin(anchored.labels, list(anchored.agents))
    assert collector.tolist() == [True] * 6 + [False] * 6
    assert len(set(anchored.labels[:3])) == 1 and anchored.labels[0] != anchored.labels[3]


def test_a_collectors_line_left_with_the_debtor_moves_when_words_and_voice_agree(monkeypatch):
    """A piece of the debtor's speaker whose words are a collector's goes to the collector speaker
    its voice is closest to; with mode "both" only when that voice is also closer than the rest of
    the debtor's speaker is (a debtor asking for the bill keeps the line)."""
    from pipelines import speakers
    from pipelines.speakers import move_contradicted

    rng = np.random.default_rng(8)
    lead, second, debtor = rng.normal(size=32), rng.normal(size=32), rng.normal(size=32)
    emb = _voices(rng, [lead, second, debtor, second, debtor], [3, 3, 3, 1, 1], spread=0.05)
    labels = np.array([0] * 3 + [1] * 3 + [2] * 5)  # pieces 9 (the second collector) and 10 sit with the debtor
    texts = ["您好"] * 6 + ["我没钱", "你们走吧", "我真的没钱", "我们受光大银行委托，请您尽快还款", "拿账单出来我看看"]
    durations = np.full(11, 2.0)
    both = move_contradicted(labels, frozenset({0, 1}), emb, durations, texts, mode="both")
    assert both.tolist() == [0] * 3 + [1] * 3 + [2] * 3 + [1, 2]
    words = move_contradicted(labels, frozenset({0, 1}), emb, durations, texts, mode="words")
    assert words[9] == 1 and words[10] in (0, 1)
    assert move_contradicted(labels, frozenset({0, 1}), emb, durations, texts, mode="off").tolist() == labels.tolist()
    # CONTRADICTED_MODEL: the text model sure enough of a piece stands in for the voice (off by default)
    scores = np.array([1.0] * 6 + [-1.0] * 3 + [0.2, 0.9])
    assert move_contradicted(labels, frozenset({0, 1}), emb, durations, texts, mode="both",
                             text_scores=scores).tolist() == both.tolist()
    monkeypatch.setattr(speakers, "CONTRADICTED_MODEL", 0.5)
    sure = move_contradicted(labels, frozenset({0, 1}), emb, durations, texts, mode="both", text_scores=scores)
    assert sure[9] == 1 and sure[10] in (0, 1)


def test_without_text_weight_the_words_only_pick_the_collectors():
    rng = np.random.default_rng(4)
    emb = _voices(rng, [rng.normal(size=32), rng.normal(size=32)], [3, 3], spread=0.03)
    result = attribute(emb, np.full(6, 2.0), np.array([-1.0] * 3 + [1.0] * 3), speakers=2, agents=1,
                       text_weight=0.0)
    assert np.isin(result.labels, list(result.agents)).tolist() == [False] * 3 + [True] * 3


def test_clear_voices_are_not_overruled_by_words():
    """A collector who says something a debtor might say stays with his own voice."""
    rng = np.random.default_rng(5)
    emb = _voices(rng, [rng.normal(size=32), rng.normal(size=32)], [5, 4], spread=0.05)
    durations = np.full(9, 2.0)
    text = np.array([2.0, 2.0, -3.0, 2.0, 2.0, -2.0, -2.0, -2.0, -2.0])  # piece 2: "随便你投诉"
    result = attribute(emb, durations, text, speakers=2, agents=1)
    agent = np.isin(result.labels, list(result.agents))
    assert agent.tolist() == [True] * 5 + [False] * 4


def test_short_pieces_still_make_two_speakers():
    """A call of short answers only (every piece under a second) still has a collector and a debtor."""
    rng = np.random.default_rng(6)
    emb = _voices(rng, [rng.normal(size=32), rng.normal(size=32)], [2, 2], spread=0.03)
    result = attribute(emb, np.full(4, 0.6), np.array([1.0, 1.0, -1.0, -1.0]), speakers=2, agents=1)
    assert np.isin(result.labels, list(result.agents)).tolist() == [True, True, False, False]


def test_attribute_checks_its_counts():
    emb = np.eye(3)
    with pytest.raises(ValueError, match="agents"):
        attribute(emb, np.ones(3), np.zeros(3), speakers=2, agents=2)
    empty = attribute(np.zeros((0, 3)), np.zeros(0), np.zeros(0), speakers=2, agents=1)
    assert empty.labels.size == 0


def test_text_model_tells_collector_from_debtor_lines():
    model = RoleTextModel(["您的借款已经逾期了请尽快还款", "我们是银行委托的", "今天必须把钱还上"],
                          ["我现在没钱", "你们再打电话我就报警", "我下个月发工资再还"])
    scores = model.scores(["请您尽快还款", "我没钱，别打了", "", "，。"])
    assert scores[0] > 0 > scores[1]
    assert scores[2] == 0 and scores[3] == 0  # nothing said, no evidence
    assert np.all(np.abs(scores) <= model.clip)
    with pytest.raises(ValueError, match="both sides"):
        RoleTextModel(["x"], [])


def test_bundled_text_model_reads_its_lines():
    model = role_text_model()
    assert model is role_text_model()  # loaded once per process
    collector, debtor = model.scores(["麻烦您转告他尽快联系我们处理欠款", "我真的没钱，你们别再来了"])
    assert collector > 0 > debtor


def test_shipped_text_model_is_the_one_its_lines_train(tmp_path, monkeypatch):
    # model.npz must be what the lines train now: after editing the lines, run write_bundled()
    import pipelines.speakers as speakers

    collector = speakers._lines(speakers.DATA / "collector.txt")
    contact = speakers._lines(speakers.DATA / "contact.txt")
    with np.load(speakers.DATA / "model.npz") as shipped:
        assert str(shipped["digest"]) == speakers._digest(collector, contact), \
            'the role lines changed: python -c "from pipelines.speakers import write_bundled; write_bundled()"'
    trained = RoleTextModel(collector, contact)
    texts = [*collector[::37], *contact[::41], "APP上还款", "Ok我知道了", "请您今天下午五点前还款"]
    assert np.allclose(RoleTextModel.bundled().scores(texts), trained.scores(texts), atol=1e-9)
    # a model file that does not match the lines is not used: the lines are trained instead
    stale = tmp_path / "roles"
    stale.mkdir()
    for name in ("collector.txt", "contact.txt"):
        (stale / name).write_text((speakers.DATA / name).read_text(encoding="utf-8"), encoding="utf-8")
    speakers.write_bundled(stale / "model.npz")
    with open(stale / "contact.txt", "a", encoding="utf-8") as handle:
        handle.write("我现在真的一分钱都拿不出来\n")
    monkeypatch.setattr(speakers, "DATA", stale)
    retrained = RoleTextModel.bundled()
    assert not np.allclose(retrained.scores(texts), trained.scores(texts), atol=1e-9)


def test_piece_texts_give_each_word_to_its_piece():
    words = [Word(0.1, 0.5, "您好"), Word(0.6, 1.0, "我是银行的"), Word(1.6, 1.9, "是我"), Word(3.2, 3.4, "好")]
    asr = [AsrSegment(0.0, 3.5, "", words=words)]
    assert piece_texts(asr, [(0.0, 1.1), (1.5, 2.0), (2.5, 3.0)]) == ["您好我是银行的", "是我", "好"]
    assert piece_texts(asr, []) == []


def test_second_collector_on_a_home_visit_is_a_collector(corpus_dir):
    """dev-009: the voice alone put the second collector's cash demand with the debtor."""
    import json

    from audit.manifest import read_manifest
    from pipelines.audio import load_audio
    from pipelines.intervals import overlap
    from pipelines.process import Pipeline

    contacts, _ = read_manifest(corpus_dir / "manifest.csv")
    contact = next(c for c in contacts if c.call_id == "dev-009")
    truth = json.loads((corpus_dir / "truth" / "dev-009.json").read_text(encoding="utf-8"))
    transcript = Pipeline().process(contact, load_audio(corpus_dir / contact.audio_file))

    def role_at(turn):
        best = max(transcript.segments, key=lambda s: overlap(s.start, s.end, turn["start"], turn["end"]))
        return best.role

    assert [role_at(t) for t in truth["turns"]] == [truth["speakers"][t["speaker"]] for t in truth["turns"]]
    assert transcript.metrics["agent_voices"] == 2
