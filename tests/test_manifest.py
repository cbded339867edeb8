"""Manifest reading: encodings Chinese Excel produces, and one clear error per bad row."""

from __future__ import annotations

import pytest

from audit.manifest import ManifestError, read_manifest

HEADER = ("call_id,audio_file,kind,started_at,talk_seconds,outcome,agent_id,agent_name,team,agency,"
          "creditor,product,case_id,debtor_id,contact_role,days_past_due,visit_staff,channel_layout\n")
GOOD = "c1,a.wav,call,2026-11-02T10:15:00+08:00,45,answered,A1,李娜,一组,招商银行信用卡中心,招商银行,credit_card,C1,D1,debtor,45,,stereo_agent_left\n"


def write(tmp_path, text: str, encoding: str = "utf-8"):
    path = tmp_path / "manifest.csv"
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_encodings_of_chinese_excel(tmp_path, encoding):
    contacts, errors = read_manifest(write(tmp_path, HEADER + GOOD, encoding))
    assert errors == []
    (c,) = contacts
    assert (c.call_id, c.agent_name, c.agency) == ("c1", "李娜", "招商银行信用卡中心")
    assert c.started_at.utcoffset().total_seconds() == 8 * 3600
    assert c.channel_layout == "stereo_agent_left" and c.days_past_due == 45


def test_dial_attempt_without_recording(tmp_path):
    row = "d1,,call,2026-11-08T09:02:00+08:00,0,no_answer,B1,周涛,网贷一组,X,Y,online_loan,L1,D2,debtor,41,,\n"
    (c,), errors = read_manifest(write(tmp_path, HEADER + row))
    assert not errors and not c.has_recording and c.channel_layout is None


@pytest.mark.parametrize("row, fragment", [
    ("c2,a.wav,call,2026-13-40 25:00,45,answered,A1,,,,,,,,debtor,,,mono\n", "started_at"),
    ("c2,a.wav,call,2026-11-02T10:15:00,45,answered,A1,,,,,,,,debtor,,,mono\n", "UTC offset"),
    ("c2,a.wav,call,2026-11-02T10:15:00+08:00,四十五,answered,A1,,,,,,,,debtor,,,mono\n", "talk_seconds"),
    ("c2,a.wav,call,2026-11-02T10:15:00+08:00,45,answered,A1,,,,,,,,debtor,三十,,mono\n", "days_past_due"),
    ("c2,a.wav,call,2026-11-02T10:15:00+08:00,45,answered,A1,,,,,,,,debtor,,,quad\n", "channel_layout"),
    ("c2,a.wav,meeting,2026-11-02T10:15:00+08:00,45,answered,A1,,,,,,,,debtor,,,mono\n", "kind"),
    ("c2,a.wav,call,2026-11-02T10:15:00+08:00,45,answered,A1,,,,,,,,boss,,,mono\n", "contact_role"),
    ("c2,a.wav,call,2026-11-02T10:15:00+08:00,45,answered,,,,,,,,,debtor,,,mono\n", "agent_id"),
    (GOOD, "duplicate call_id"),
])
def test_bad_rows_are_reported_and_the_rest_kept(tmp_path, row, fragment):
    contacts, errors = read_manifest(write(tmp_path, HEADER + GOOD + row))
    assert [c.call_id for c in contacts] == ["c1"]
    (error,) = errors
    assert error.line == 3
    assert fragment in str(error) and "manifest line 3" in str(error)


def test_missing_columns_and_missing_file(tmp_path):
    with pytest.raises(ManifestError, match="missing column"):
        read_manifest(write(tmp_path, "call_id,audio_file\nc1,a.wav\n"))
    with pytest.raises(ManifestError, match="no such manifest"):
        read_manifest(tmp_path / "nope.csv")
