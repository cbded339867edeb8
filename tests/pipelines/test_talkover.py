"""Mono talk-overs: who started over whom, from the overlaps heard and the diarized turns."""

from __future__ import annotations

import numpy as np
import pytest

from audit.schema import Segment
from pipelines.overlap import FRAME_S, Overlap, OverlapOptions
from pipelines.talkover import _silence_s, _speaker_run, attribute, speech_frames


def seg(role: str, start: float, end: float) -> Segment:
    return Segment(role, role, start, end, "好")



def test_the_party_that_takes_over_at_the_overlap_started_over_the_one_before():
    segments = [seg("agent", 0.0, 4.0), seg("debtor", 4.5, 10.0), seg("agent", 10.2, 14.0)]
    found = attribute([Overlap(9.4, 10.3, 0.8)], segments)
    assert [(t.interrupter, t.interrupted) for t in found] == [(2, 1)]


def test_the_talked_over_partys_words_may_end_well_before_the_overlap():
    # the recogniser dropped the debtor's last words (said over them): they end 2 s before
    segments = [seg("debtor", 0.0, 7.5), seg("agent", 8.8, 12.0)]
    assert len(attribute([Overlap(9.5, 10.4, 0.8)], segments)) == 1
    assert attribute([Overlap(9.5, 10.4, 0.8)], segments, OverlapOptions(silent_s=1.0)) == []


def test_an_interjection_inside_a_long_turn_and_a_change_within_the_party_are_not_talk_overs():
    long_turn = [seg("debtor", 0.0, 2.0), seg("agent", 2.5, 12.0)]
    assert attribute([Overlap(8.0, 8.6, 0.7)], long_turn) == []  # the collector went on through it
    collectors = [seg("agent", 0.0, 5.0), seg("agent", 5.1, 9.0)]
    assert attribute([Overlap(4.6, 5.4, 0.7)], collectors) == []  # one collector hands over to the other


def test_a_turn_begun_after_the_overlap_counts_only_without_a_pause_before_it():
    # the diarizer gave the collector's first words (said over the debtor) to the debtor: the
    # collector's own turn begins 0.6 s after the overlap, straight after that speech
    glued = [seg("agent", 0.0, 5.0), seg("debtor", 5.5, 10.6), seg("agent", 10.6, 13.0)]
    assert [(t.interrupter, t.interrupted) for t in attribute([Overlap(8.6, 10.0, 0.8)], glued)] == [(2, 1)]
    # a spurious overlap inside the debtor's line, and the collector answers after a pause
    reply = [seg("agent", 0.0, 5.0), seg("debtor", 5.5, 10.1), seg("agent", 11.1, 13.0)]
    assert attribute([Overlap(9.4, 10.0, 0.5)], reply) == []


def test_a_short_turn_begun_at_the_overlap_started_it_not_the_reply_after_it():
    # the collector talks over the debtor and stops; the debtor answers 0.7 s later: the party
    # heard after the overlap is the debtor, but the collector's turn is what began at it
    segments = [seg("debtor", 0.0, 10.0), seg("agent", 9.0, 10.5), seg("debtor", 11.2, 15.0)]
    found = attribute([Overlap(9.2, 10.3, 0.8)], segments)
    assert [(t.interrupter, t.interrupted) for t in found] == [(1, 0)]
    # a turn that ended before the overlap did was not talking through it: the reply is not
    # claimed for it, and after a pause nobody started over anybody
    ended = [seg("debtor", 0.0, 10.0), seg("agent", 9.0, 9.6), seg("debtor", 10.9, 15.0)]
    assert attribute([Overlap(9.2, 10.3, 0.8)], ended) == []


def test_a_gap_between_the_words_with_a_voice_in_it_is_no_pause():
    # the recogniser dropped the collector's first words (said over the debtor): the debtor's
    # words end at 7.2 s, the collector's begin at 8.0 s, after the overlap
    segments = [seg("agent", 0.0, 3.0), seg("debtor", 3.5, 7.2), seg("agent", 8.0, 11.0)]
    overlaps = [Overlap(6.4, 7.6, 0.8)]
    voiced = np.ones(round(12 / FRAME_S), dtype=bool)
    assert [(t.interrupter, t.interrupted) for t in attribute(overlaps, segments, speech=voiced)] == [(2, 1)]
    paused = voiced.copy()
    paused[round(7.3 / FRAME_S):round(7.95 / FRAME_S)] = False  # 0.65 s of silence: a reply
    assert attribute(overlaps, segments, speech=paused) == []
    assert attribute(overlaps, segments) == []  # without the sound, the words' gap is the pause


def test_speech_frames_follow_the_level_and_drop_clicks():
    level = np.full(200, -30.0)
    level[20:120] = 0.0  # 2 s of speech
    level[150:153] = 0.0  # a 60 ms click
    speech = speech_frames(level)
    assert speech[20:120].all() and not speech[:20].any() and not speech[120:].any()
    assert _silence_s(speech, 1.0, 4.0) == pytest.approx(1.6)


def test_a_collector_speaker_saying_the_debtors_words_was_talked_over():
    # a visit where the diarizer gave the debtor's lines to the first collector's voice (h5-011
    # of corpus_heldout5): the overlap falls between two collector speakers
    def said(speaker: str, role: str, start: float, end: float, text: str) -> Segment:
        return Segment(speaker, role, start, end, text)

    debtor_as_collector = [said("S1", "agent", 0.0, 6.0, "我们是泰和资产的，这是您中信卡的账单，欠款两万"),
                           said("S0", "agent", 6.5, 12.0, "那你们说怎么办，我总不能去抢吧"),
                           said("S0", "agent", 12.0, 14.6, "你们再逼我也没有"),
                           said("S1", "agent", 14.6, 17.0, "我们就是想跟您定一个还款的时间")]
    overlap = [Overlap(14.4, 15.2, 0.7)]
    assert [(t.interrupter, t.interrupted) for t in attribute(overlap, debtor_as_collector)] == [(3, 2)]
    assert attribute(overlap, debtor_as_collector, OverlapOptions(party_words=False)) == []
    # two collectors handing over (the one before says a collector's words): no talk-over
    hand_over = debtor_as_collector[:2] + [said("S0", "agent", 12.0, 14.6, "麻烦您尽快还款")] + debtor_as_collector[3:]
    hand_over[1] = said("S0", "agent", 6.5, 12.0, "您的欠款已经逾期九十天了")
    assert attribute(overlap, hand_over) == []
    # the speaker after it says the other party's words: not a collector starting over anyone
    reply = debtor_as_collector[:3] + [said("S1", "agent", 14.6, 17.0, "你们再这样我就报警了")]
    assert attribute(overlap, reply) == []


def test_a_word_split_across_the_change_of_voice_does_not_end_the_speakers_run():
    # h5-011 of corpus_heldout5 as diarized in session 9: the collector's "我业务" is recognised as
    # "我业" (the collector's voice) and "务。" (no duration, given to the voice that holds the
    # debtor's lines) just before the overlap, so each voice's run around the overlap is broken
    def said(speaker: str, role: str, start: float, end: float, text: str) -> Segment:
        return Segment(speaker, role, start, end, text)

    split = [said("S1", "agent", 0.0, 6.0, "我们是泰和资产的，这是您中信卡的账单"),
             said("S0", "agent", 6.5, 14.5, "那你们说怎么办，我总不能去抢吧，你们再逼我也没有"),
             said("S1", "agent", 14.5, 14.74, "我业"),
             said("S0", "agent", 14.74, 14.74, "务。"),
             said("S1", "agent", 14.74, 16.7, "也就是想跟你定一个还款的时间")]
    overlap = [Overlap(14.58, 15.32, 0.67)]
    assert [(t.interrupter, t.interrupted) for t in attribute(overlap, split)] == [(2, 1)]
    assert attribute(overlap, split, OverlapOptions(fragment_s=0.0)) == []  # without stepping over "务。"
    # a piece of 0.3 s or more is the other voice's turn and ends the run, as before
    longer = split[:3] + [said("S0", "agent", 14.74, 15.14, "务。"), said("S1", "agent", 15.14, 16.7, split[4].text)]
    assert _speaker_run(list(range(5)), longer, 4, -1, 0.3) == [4]
    assert _speaker_run(list(range(5)), split, 4, -1, 0.3) == [4, 2]


def test_a_turn_begun_after_a_silence_as_long_as_a_change_of_turn_is_a_reply():
    # corpus_voices vis-28: the debtor stops at 18.64 s, the collector begins at 19.62 s after
    # 0.88 s of silence, and the detector hears "two voices" 21.28-21.88 s inside the collector's line
    segments = [seg("agent", 13.62, 16.14), seg("debtor", 16.74, 18.64), seg("agent", 19.62, 22.28)]
    overlaps = [Overlap(21.28, 21.88, 0.53)]
    speech = np.ones(round(23 / FRAME_S), dtype=bool)
    speech[round(18.7 / FRAME_S):round(19.58 / FRAME_S)] = False
    assert attribute(overlaps, segments, speech=speech) == []
    assert [(t.interrupter, t.interrupted)
            for t in attribute(overlaps, segments, OverlapOptions(reply_s=None), speech)] == [(2, 1)]
    # a talked-over line pauses too (0.5-0.66 s before the interrupter's first word on the
    # conduct sets): a shorter silence is no reply
    speech[round(18.7 / FRAME_S):round(19.58 / FRAME_S)] = True
    speech[round(18.9 / FRAME_S):round(19.56 / FRAME_S)] = False
    assert [(t.interrupter, t.interrupted) for t in attribute(overlaps, segments, speech=speech)] == [(2, 1)]
