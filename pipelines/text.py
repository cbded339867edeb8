"""Post-processing of Whisper output for Mandarin.

Whisper base emits Traditional characters now and then, and on silence or noise it produces
well-known hallucinations (subtitle credits, a line repeated over and over). Both are fixed
here, before any rule sees the text.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from audit.text import to_simplified

if TYPE_CHECKING:
    from pipelines.asr import AsrSegment

# The classic short Mandarin prompt: it keeps Whisper's output in Simplified script with
# punctuation (the rules scope negation by clause). A longer collection-domain prompt measured no
# better on the corpus and doubled decoding time together with word timestamps; domain words and
# per-call names are fixed by the pinyin corrector (pipelines/correct.py) instead.
MANDARIN_PROMPT = "以下是普通话的句子。"

# Subtitle credits and sign-offs Whisper invents on silence (Simplified after conversion).
_HALLUCINATION = re.compile(
    r"(字幕|翻译|校对|时间轴|压制|后期).{0,12}(提供|制作|by|BY)|"
    r"请不吝点赞|点赞.{0,4}订阅|订阅.{0,4}(转发|打赏)|明镜与点点|中文字幕|"
    r"优优独播|谢谢(大家|您的)?(收看|观看)|感谢(收看|观看)|amara\.org|subtitles? by",
    re.IGNORECASE,
)
_PUNCT = re.compile(r"[\s，。！？、,.!?…~～“”\"'：:；;（）()《》\-—]+")


def _squash_loops(text: str) -> str:
    """Collapse a phrase repeated 3+ times in a row ("好的好的好的好的") to two repetitions."""
    return re.sub(r"(.{1,12}?)\1{2,}", r"\1\1", text)


def _bare(text: str) -> str:
    return _PUNCT.sub("", text)


# Mandarin is spoken at 3–7 characters a second; far more text than time is a decoding loop.
MAX_CHARS_PER_SECOND = 10.0


def _trim_words(seg: AsrSegment, text: str) -> None:
    """Keep only the words that make up ``text`` (a prefix of the segment after squashing)."""
    kept, length = [], 0
    target = len(_bare(text))
    for word in seg.words:
        if length >= target:
            break
        kept.append(word)
        length += len(_bare(word.text))
    seg.words = kept
    if kept:
        seg.end = kept[-1].end


def clean_segments(segments: list[AsrSegment]) -> list[AsrSegment]:
    """Simplify script, drop hallucinated credits and repeated lines, squash loops."""
    cleaned: list[AsrSegment] = []
    for seg in segments:
        raw = to_simplified(seg.text.strip(), phrases=True)
        text = _squash_loops(raw)
        if not _bare(text) or _HALLUCINATION.search(text):
            continue
        if len(_bare(text)) > MAX_CHARS_PER_SECOND * max(0.5, seg.end - seg.start) + 4:
            continue  # a loop or an invention: more characters than anyone can say in that time
        if text != raw and seg.words:
            _trim_words(seg, text)
        # A long stretch the model is sure holds no speech and decoded with low likelihood.
        if seg.no_speech_prob > 0.8 and seg.avg_logprob < -1.0:
            continue
        # The same line again right after itself: Whisper's repetition failure.
        if cleaned and _bare(cleaned[-1].text) == _bare(text) and len(_bare(text)) > 1 \
                and seg.start - cleaned[-1].end < 2.0:
            continue
        seg.text = text
        for word in seg.words:
            word.text = to_simplified(word.text, phrases=True)
        cleaned.append(seg)
    return cleaned
