"""The figures of `audit eval`: edit distance (CER), RTTM reading, DER on known values."""

from __future__ import annotations

import pytest
from pyannote.metrics.diarization import DiarizationErrorRate

from pipelines.evaluate import edit_distance, normalize, read_rttm, spans_to_annotation


@pytest.mark.parametrize(("hyp", "ref", "edits"), [
    ("", "", 0),
    ("", "逾期了", 3),  # nothing heard: every reference character is an error
    ("逾期了", "", 3),
    ("逾期了", "逾期了", 0),
    ("于七了", "逾期了", 2),  # two substitutions (the homophones the pinyin matcher exists for)
    ("你逾期了吗", "逾期了", 2),  # two insertions
    ("kitten", "sitting", 3),
    ("通信路", "通讯录", 2),
    ("ab", "ba", 2),  # a transposition is two substitutions (plain Levenshtein, as before)
])
def test_edit_distance(hyp, ref, edits):
    assert edit_distance(hyp, ref) == edits


@pytest.mark.parametrize(("text", "normalized"), [
    ("您好，我是XX公司的！", "您好我是xx公司的"),
    ("还款1000元", "还款一千元"),  # numbers as they are read: the truth writes what was said
    ("逾期45天，共5,000元", "逾期四十五天共五千元"),
    ("15天", "十五天"),
    ("30500", "三万零五百"),
    ("1.5万", "一点五万"),
    ("13800138000", "一三八零零一三八零零零"),  # a phone number digit by digit
    ("0571", "零五七一"),
    ("這個號碼", "这个号码"),  # Traditional counts as the Simplified reference
])
def test_normalize_before_cer(text, normalized):
    assert normalize(text) == normalized


def test_cer_of_a_known_pair():
    ref = normalize("您好，请问是王先生吗？您的贷款已经逾期了。")
    hyp = normalize("你好请问是王先生吗您的贷款已经于七了")
    assert (edit_distance(hyp, ref), len(ref)) == (3, 18)  # 您→你, 逾→于, 期→七


@pytest.mark.filterwarnings("ignore:.uem. was approximated")  # no UEM in the corpus: the extent is right
def test_read_rttm_of_the_corpus(corpus_dir):
    reference = read_rttm(corpus_dir / "truth" / "dev-001.rttm")
    first = next(reference.itertracks(yield_label=True))
    assert reference.uri == "dev-001" and (first[0].start, round(first[0].end, 3), first[2]) == (0.487, 3.599, "agent")
    assert DiarizationErrorRate(collar=0.0)(reference, reference) == 0.0


@pytest.mark.filterwarnings("ignore:.uem. was approximated")
def test_der_of_a_known_hypothesis(tmp_path):
    path = tmp_path / "c1.rttm"
    path.write_text("SPEAKER c1 1 0.000 10.000 <NA> <NA> agent <NA> <NA>\n"
                    "SPEAKER c1 1 10.000 10.000 <NA> <NA> debtor <NA> <NA>\n", encoding="utf-8")
    reference = read_rttm(path)
    # the last 2 s of the agent's turn given to the debtor: 2 s confused of 20 s
    hypothesis = spans_to_annotation([(0.0, 8.0, "A"), (8.0, 20.0, "B")], "c1")
    assert DiarizationErrorRate(collar=0.0)(reference, hypothesis) == pytest.approx(0.1)


@pytest.mark.parametrize(("text", "message"), [
    ("SPEAKER c1 1 abc 1.0 <NA> <NA> agent <NA> <NA>\n", "not an RTTM file"),
    ("SPEAKER c1 1 0.0\n", "lacks its start, duration or speaker"),
    ("SPEAKER c1 1 0 1 <NA> <NA> a <NA> <NA>\nSPEAKER c2 1 0 1 <NA> <NA> a <NA> <NA>\n", "found c1, c2"),
])
def test_a_bad_rttm_names_the_file(tmp_path, text, message):
    path = tmp_path / "bad.rttm"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=message) as err:
        read_rttm(path)
    assert str(path) in str(err.value)


def test_an_empty_rttm_is_a_recording_without_speech(tmp_path):
    path = tmp_path / "silent.rttm"
    path.write_text("", encoding="utf-8")
    assert len(read_rttm(path)) == 0
