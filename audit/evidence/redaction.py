"""Redacted packs (``--redact``): personal numbers masked in the text and beeped in the audio.

A redacted pack leaves the building: numbers spoken in it are beeped in the audio, from the
times the database holds. Only segment times are stored (no word times), so the whole
segment that contains a number is beeped, not just the digits; REDACTION.txt says so.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from audit import models

BEEP_HZ = 1000.0
BEEP_LEVEL = 0.3  # about -10 dBFS
REDACTION_NOTE = (
    "本证据包已脱敏（--redact）：转写、违规证据和复核理由中的手机号、身份证号和银行卡号已打码；"
    "录音中说出这些号码的整段语音（按转写分段的起止时间，数据库不保存逐字时间）已替换为提示音，"
    "因此提示音可能比号码本身更长。录音为脱敏后重新编码的 16 kHz WAV，"
    "原始录音的 SHA-256 记录在 contact.json 中；contact.json 中台账里的债务人姓名只保留姓氏。\n"
    "This pack is redacted (--redact): phone, ID-card and bank-card numbers are masked in the "
    "transcript, the findings' evidence and the review reasons; in the audio, each transcript "
    "segment in which such a number is spoken is replaced by a beep over its whole length (the "
    "database stores segment times, not word times, so the beep can be longer than the number). "
    "The audio is re-encoded as 16 kHz WAV after redaction; the original recording's SHA-256 is "
    "in contact.json, where the debtor's name from the log shows the surname only.\n"
)


def text_filter(redact: bool) -> Callable[[str], str]:
    """What every text of a pack goes through: :func:`audit.masking.mask_pii` when redacting."""
    if redact:
        from audit.masking import mask_pii

        return mask_pii
    return lambda value: value


def spoken_numbers(segments: Sequence[models.Segment]) -> list[tuple[float, float]]:
    """The (start, end) of each segment in which a personal number is spoken: what is beeped."""
    from audit.masking import find_pii

    return [(seg.start, seg.end) for seg in segments if find_pii(seg.text)]


def beep(samples, start: float, end: float, rate: int) -> None:
    """Replace ``samples[:, start:end]`` (seconds) with a tone, in place."""
    import numpy as np

    lo, hi = max(0, int(start * rate)), min(samples.shape[1], int(np.ceil(end * rate)))
    if hi <= lo:
        return
    t = np.arange(hi - lo, dtype=np.float32) / rate
    samples[:, lo:hi] = (BEEP_LEVEL * np.sin(2 * np.pi * BEEP_HZ * t)).astype(samples.dtype)
