"""Assigning words to speakers, splitting channels at pauses, and roles."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from audit.schema import Contact, Segment
from pipelines.asr import AsrSegment, Word
from pipelines.diarization import Turn
from pipelines.process import hotwords, split_at_pauses, words_to_segments
from pipelines.roles import assign_roles

CST = timezone(timedelta(hours=8))


def contact(**kw):
    base = dict(call_id="c1", kind="call", started_at=datetime(2026, 11, 2, 10, tzinfo=CST), talk_seconds=30,
                outcome="answered", agent_id="A1", agent_name="李娜", creditor="招商银行",
                agency="鼎信催收服务有限公司", contact_role="debtor")
    base.update(kw)
    return Contact(**base)


def words(text, start, step=0.25):
    return [Word(start + i * step, start + (i + 1) * step, c) for i, c in enumerate(text)]


def test_words_go_to_the_speaker_they_overlap():
    asr = [AsrSegment(0.0, 6.0, "你好我是银行的是我", words=words("你好我是银行的", 0.0) + words("是我", 4.0))]
    turns = [Turn(0.0, 1.8, "S0"), Turn(3.9, 4.6, "S1")]
    segs = words_to_segments(asr, turns)
    assert [(s.speaker, s.text) for s in segs] == [("S0", "你好我是银行的"), ("S1", "是我")]
    assert segs[1].start == 4.0 and segs[1].end == 4.5


def test_channel_speech_is_cut_at_pauses():
    asr = [AsrSegment(0.0, 9.0, "", words=words("我知道", 0.0) + words("别去我单位", 5.0))]
    segs = split_at_pauses(asr, 0.6, lambda w: "contact")
    assert [(s.text, s.start) for s in segs] == [("我知道", 0.0), ("别去我单位", 5.0)]
    assert all(s.speaker == "contact" for s in segs)


def test_a_turn_ends_where_the_speaker_changes():
    asr = [AsrSegment(0.0, 3.0, "", words=words("是我你是哪位", 0.0))]
    segs = split_at_pauses(asr, 0.6, lambda w: "contact" if w.start < 0.5 else "agent")
    assert [(s.speaker, s.text) for s in segs] == [("contact", "是我"), ("agent", "你是哪位")]


def test_stereo_words_go_to_the_louder_channel():
    """Each word of the single ASR pass over the mix lands on the channel that carries it."""
    import numpy as np

    from pipelines.asr import AsrOptions
    from pipelines.audio import Audio
    from pipelines.process import Pipeline

    rng = np.random.default_rng(0)
    left = np.zeros(16000 * 4, dtype=np.float32)
    right = np.zeros_like(left)
    left[:16000 * 2] = rng.normal(0, 0.3, 32000)  # collector talks 0–2 s on the left
    right[16000 * 2:] = rng.normal(0, 0.3, 32000)  # the debtor 2–4 s on the right
    right[:16000 * 2] += rng.normal(0, 0.01, 32000)  # a little line echo
    audio = Audio(path=None, samples=np.stack([left, right]), source_rate=8000, sha256="0" * 64)

    class FakeAsr:  # the boundary: what Whisper heard, with word times
        name = "fake"

        def transcribe(self, mono, options):
            return [AsrSegment(0.0, 4.0, "", words=words("您好我是银行的", 0.1) + words("答覆", 2.5))]

    pipeline = Pipeline()
    pipeline._asr = FakeAsr()
    transcript = pipeline.process(contact(channel_layout="stereo_agent_left"), audio)
    assert [(s.role, s.text, s.channel) for s in transcript.segments] == [
        ("agent", "您好我是银行的", 0), ("debtor", "答复", 1)]  # phrase-level Simplified
    assert isinstance(pipeline.options.asr_options, AsrOptions)


def test_process_measures_how_each_segment_was_said():
    """After roles, each segment gets its acoustics and the call its conduct figures (off on request)."""
    import numpy as np

    from pipelines.audio import Audio
    from pipelines.process import Pipeline, PipelineOptions

    rng = np.random.default_rng(1)
    left = np.zeros(16000 * 6, dtype=np.float32)
    right = np.zeros_like(left)
    left[:16000 * 2] = rng.normal(0, 0.05, 32000)
    right[16000 * 2:16000 * 4] = rng.normal(0, 0.05, 32000)
    left[16000 * 4:] = rng.normal(0, 0.2, 32000)  # the collector again, 12 dB louder
    audio = Audio(path=None, samples=np.stack([left, right]), source_rate=8000, sha256="0" * 64)

    class FakeAsr:
        name = "fake"

        def transcribe(self, mono, options):
            return [AsrSegment(0.0, 6.0, "", words=words("您好我是银行的", 0.1) + words("是我", 2.5)
                               + words("请您今天还款", 4.2))]

    def run(**options):
        pipeline = Pipeline(PipelineOptions(**options))
        pipeline._asr = FakeAsr()
        return pipeline.process(contact(channel_layout="stereo_agent_left"), audio)

    transcript = run()
    agent = [s for s in transcript.segments if s.role == "agent"]
    assert [round(s.acoustics.level_rel_db) for s in agent] == [-6, 6]  # against the collector's median
    assert agent[0].acoustics.rate_cps == 4.0 and agent[0].acoustics.loudness
    assert {"longest_silence_s", "agent_pace_cps", "overtalk_s", "contact_overtalk_s"} <= set(transcript.metrics)
    assert all(s.acoustics is None for s in run(acoustics=False).segments)


def seg(speaker, text, start):
    return Segment(speaker=speaker, role="", start=start, end=start + 2, text=text)


def test_roles_on_a_call_with_a_relative_answering():
    segs = [seg("S1", "喂，你好", 0), seg("S0", "您好，我是招商银行信用卡中心的工作人员，请问王先生在吗", 2),
            seg("S1", "我是他妈妈，他不在家", 5), seg("S0", "麻烦您转告他尽快联系银行", 8)]
    roles = assign_roles(segs, contact())
    assert roles == {"S0": "agent", "S1": "relative"}


def test_roles_on_a_visit_with_two_collectors():
    segs = [seg("S0", "我们是鼎信公司的外访人员，受委托来找你，这是我的工作证", 0), seg("S2", "我现在真的没钱", 3),
            seg("S1", "这是你的借款合同和欠款账单，请您核对一下", 6), seg("S2", "好吧，我想办法", 9)]
    roles = assign_roles(segs, contact(kind="visit", visit_staff=2))
    assert roles == {"S0": "agent", "S1": "agent", "S2": "debtor"}


def test_hotwords_from_the_log():
    words_ = hotwords(contact())
    assert {"招商银行", "鼎信催收服务有限公司", "鼎信", "鼎信公司", "李娜"} <= set(words_)


def test_a_mono_call_two_collectors_join_is_diarized_with_voice_features_and_identified_by_its_words(monkeypatch):
    """A mono call whose log names two collectors: the diarizer's spectral-envelope features are
    turned on for it (they are for room audio otherwise), and the voice step gets the recognised
    words (to cut a segment holding two collectors' lines). A call with one collector keeps the
    diarizer's defaults."""
    import numpy as np

    import pipelines.voices
    from audit.voiceprints import Chunk, Profile
    from pipelines.audio import Audio
    from pipelines.diarization.embedded import EmbeddedOptions
    from pipelines.process import Pipeline, PipelineOptions

    asked: list[dict] = []

    class FakeDiarizer:
        options = EmbeddedOptions()

        def pieces(self, mono, **kw):
            asked.append(kw)
            rng = np.random.default_rng(0)
            vectors = rng.normal(size=(3, 256))
            return [(0.0, 2.0), (2.5, 4.5), (5.0, 7.0)], vectors / np.linalg.norm(vectors, axis=1, keepdims=True)

    class FakeAsr:
        name = "fake"

        def transcribe(self, mono, options):
            return [AsrSegment(0.0, 7.0, "", words=words("您好我是银行的", 0.1) + words("我没钱", 2.6)
                               + words("请您今天还款", 5.1))]

    given: list[dict] = []

    def identify(contact, mono, segments, profiles, channel="room", **kw):
        given.append(kw)
        return {}

    monkeypatch.setattr(pipelines.voices, "identify", identify)
    profiles = {"A1": Profile("A1", [Chunk([1.0] + [0.0] * 255, 30.0, "enr")])}
    pipeline = Pipeline(PipelineOptions(voiceprints=profiles, acoustics=False))
    pipeline._asr, pipeline._diarizer = FakeAsr(), FakeDiarizer()
    audio = Audio(path=None, samples=np.zeros((1, 16000 * 8), np.float32), source_rate=8000, sha256="0" * 64)
    pipeline.process(contact(visit_staff=2, visit_staff_ids=("A1", "A2"), channel_layout="mono"), audio)
    pipeline.process(contact(channel_layout="mono"), audio)
    assert asked == [{"room_only": False}, {}]
    assert [len(g["words"]) for g in given] == [16, 16] and callable(given[0]["text_of"])
    assert given[0]["text_of"](words("答覆", 0.0)) == "答复"  # a part's text as a segment's: Simplified
