"""Fixtures for the rule-engine tests: the default pack, loaded once."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from audit.rules import load_pack
from audit.schema import Contact, Segment

CST = timezone(timedelta(hours=8))


@pytest.fixture(scope="session")
def pack():
    return load_pack()


def categories(pack, text: str, **kw) -> set[str]:
    return {f.category for f in pack.scan_text(text, **kw)}


def contact(**kw) -> Contact:
    base = dict(call_id="c-1", kind="call", started_at=datetime(2026, 11, 2, 10, 0, tzinfo=CST),
                talk_seconds=30.0, outcome="answered", agent_id="A1", creditor="招商银行",
                agency="招商银行信用卡中心", product="credit_card", debtor_id="D-1",
                contact_role="debtor", days_past_due=45, audio_file="a.wav")
    base.update(kw)
    return Contact(**base)


def seg(text: str, role: str = "agent", speaker: str | None = None, start: float = 0.0) -> Segment:
    return Segment(speaker=speaker or role, role=role, start=start, end=start + 2.0, text=text)
