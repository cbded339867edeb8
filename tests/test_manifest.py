"""Manifest reading: encodings Chinese Excel produces, and one clear error per bad row."""

from __future__ import annotations

import pytest

from audit.manifest import ManifestError, read_manifest

HEADER = ("call_id,audio_file,kind,started_at,talk_seconds,outcome,agent_id,agent_name,team,agency,"
          "creditor,product,case_id,debtor_id,contact_role,days_past_due,visit_staff,channel_layout\n")
GOOD = ("c1,a.wav,call,2026-11-02T10:15:00+08:00,45,answered,A1,李娜,一组,招商银行信用卡中心,"
        "招商银行,credit_card,C1,D1,debtor,45,,stereo_agent_left\n")


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


# --- hostile and broken rows (security issue): each is one RowError, the other rows are kept ---

def _row(**values) -> str:
    cells = {"call_id": "c9", "audio_file": "a.wav", "kind": "call", "started_at": "2026-11-02T10:15:00+08:00",
             "talk_seconds": "45", "outcome": "answered", "agent_id": "A1", "contact_role": "debtor",
             "channel_layout": "mono"}
    cells.update(values)
    columns = HEADER.strip().split(",")
    return ",".join(cells.get(c, "") for c in columns) + "\n"


@pytest.mark.parametrize("values, fragment", [
    ({"audio_file": "/etc/passwd"}, "absolute path"),
    ({"audio_file": "C:\\recordings\\a.wav"}, "absolute path"),
    ({"audio_file": "\\\\server\\share\\a.wav"}, "absolute path"),
    ({"audio_file": "../users.toml"}, "'..'"),
    ({"audio_file": "audio/../../audit.db"}, "'..'"),
    ({"audio_file": "audio\\..\\..\\audit.db"}, "'..'"),
    ({"talk_seconds": "inf"}, "finite"),
    ({"talk_seconds": "nan"}, "finite"),
    ({"talk_seconds": "1e400"}, "finite"),
    ({"talk_seconds": "99999999999"}, "more than"),
    ({"days_past_due": "nan"}, "finite"),
    ({"days_past_due": "99999999999999999999"}, "outside"),
    ({"days_past_due": "-3"}, "outside"),
    ({"days_past_due": "4.5"}, "whole number"),
    ({"visit_staff": "1e400"}, "finite"),
    ({"visit_staff": "100000"}, "outside"),
    ({"started_at": "9999-12-31T23:59:59+08:00"}, "between the years"),
    ({"started_at": "0001-01-01T00:00:00+08:00"}, "between the years"),
    ({"call_id": "../../x"}, "call_id"),
    ({"call_id": "x" * 300}, "call_id"),
])
def test_hostile_values_are_one_row_error_each(tmp_path, values, fragment):
    contacts, errors = read_manifest(write(tmp_path, HEADER + GOOD + _row(**values) + GOOD.replace("c1", "c3")))
    assert [c.call_id for c in contacts] == ["c1", "c3"]
    (error,) = errors
    assert error.line == 3 and fragment in error.reason, error.reason


def test_nul_byte_and_huge_cell_are_one_row_error_each(tmp_path):
    nul = _row(call_id="c4", audio_file="a\x00.wav")
    huge = _row(call_id="c5", agent_name="名" * 10_000_000)
    path = tmp_path / "manifest.csv"
    path.write_bytes((HEADER + GOOD + nul + huge + GOOD.replace("c1", "c6")).encode("utf-8"))
    contacts, errors = read_manifest(path)
    assert [c.call_id for c in contacts] == ["c1", "c6"]
    assert [e.line for e in errors] == [3, 4]
    assert all("fix the row" in e.reason for e in errors)


def test_a_backslash_path_is_read_as_a_relative_path(tmp_path):
    (c,), errors = read_manifest(write(tmp_path, HEADER + _row(audio_file="audio\\dev-001.wav")))
    assert not errors and c.audio_file == "audio/dev-001.wav"


# --- fuzz: whatever bytes a manifest holds, the reader never raises past a row and loses no row --

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_CELL = st.one_of(
    st.sampled_from(["", "inf", "-inf", "nan", "1e400", "9" * 30, "-1", "0", "45", "3.5", "/etc/passwd",
                     "../x.wav", "a.wav", "mono", "visit", "call", "debtor", "relative",
                     "2026-11-02T10:15:00+08:00", "9999-12-31T23:59:59+14:00", "=HYPERLINK(\"x\")",
                     "a\x00b", "\"", "\"\"", "，", "\r", "\n", "名" * 5000]),
    st.text(max_size=40),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(_CELL, min_size=0, max_size=20), max_size=6))
def test_fuzz_manifest_rows_never_escape_and_none_is_lost(tmp_path, rows):
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for cells in rows:
        writer.writerow(cells)
    body = buffer.getvalue()
    path = tmp_path / "manifest.csv"
    path.write_bytes((HEADER + GOOD + body + GOOD.replace("c1", "zz-last")).encode("utf-8", "surrogatepass"))
    contacts, errors = read_manifest(path)  # must not raise
    # every non-blank record became a contact or an error: nothing vanished silently
    limit = csv.field_size_limit(1 << 30)
    try:
        records = list(csv.reader(io.StringIO(body)))
    finally:
        csv.field_size_limit(limit)
    nonblank = sum(1 for cells in records if any(c.strip() for c in cells))
    assert len(contacts) + len(errors) == 2 + nonblank
    assert {"c1", "zz-last"} <= {c.call_id for c in contacts}
    for contact in contacts:
        assert contact.audio_file is None or not contact.audio_file.startswith("/")
        assert ".." not in (contact.audio_file or "").split("/")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=2000))
def test_fuzz_raw_bytes_give_rows_or_one_manifest_error(tmp_path, raw):
    path = tmp_path / "manifest.csv"
    path.write_bytes(HEADER.encode() + raw)
    try:
        contacts, errors = read_manifest(path)
    except ManifestError as exc:
        assert "manifest.csv" in str(exc)
    else:
        assert all(isinstance(e.line, int) and e.reason for e in errors)


@pytest.mark.parametrize("value, expected", [
    ("", ""), ("13812345678", "13812345678"), ("+86 138-1234-5678", "13812345678"),
    ("0086 13812345678", "13812345678"), ("021-6234 5678", "02162345678"),
])
def test_phone_column_is_kept_as_digits(value, expected):
    from audit.manifest import parse_row

    row = {"call_id": "c1", "kind": "call", "started_at": "2026-11-02T10:15:00+08:00", "outcome": "no_answer",
           "agent_id": "A017", "phone": value}
    assert parse_row(row, 2).phone == expected


def test_a_phone_that_is_no_number_is_a_row_error():
    from audit.manifest import parse_row

    row = {"call_id": "c1", "kind": "call", "started_at": "2026-11-02T10:15:00+08:00", "outcome": "no_answer",
           "agent_id": "A017", "phone": "call me maybe"}
    with pytest.raises(ValueError, match="phone 'call me maybe' is not a phone number"):
        parse_row(row, 2)


@pytest.mark.parametrize("cell, count, ids", [
    ("2", 2, ()), ("", None, ()), ("V301;V305", 2, ("V301", "V305")), (" V301 ； V305;V301 ", 2, ("V301", "V305")),
    ("V410", 1, ("V410",)),
])
def test_visit_staff_is_a_count_or_agent_ids(tmp_path, cell, count, ids):
    contacts, errors = read_manifest(write(tmp_path, HEADER + _row(visit_staff=cell)))
    assert not errors, errors
    assert contacts[0].visit_staff == count and contacts[0].visit_staff_ids == ids


@pytest.mark.parametrize("cell", ["V301;<script>", ";;", "V3 01"])
def test_visit_staff_that_is_neither_is_a_row_error(tmp_path, cell):
    contacts, errors = read_manifest(write(tmp_path, HEADER + _row(visit_staff=cell)))
    assert not contacts and "visit_staff" in errors[0].reason


def test_debtor_name_is_an_optional_column(tmp_path):
    (c,), errors = read_manifest(write(tmp_path, HEADER + GOOD))
    assert not errors and c.debtor_name == ""  # a manifest without the column works as before
    header = HEADER.strip() + ",debtor_name\n"
    rows = [GOOD.strip() + ", 陈  明 \n", GOOD.strip().replace("c1,", "c2,", 1) + ",阿卜杜·热合曼\n",
            GOOD.strip().replace("c1,", "c3,", 1) + ",\n"]
    contacts, errors = read_manifest(write(tmp_path, header + "".join(rows)))
    assert not errors and [c.debtor_name for c in contacts] == ["陈明", "阿卜杜·热合曼", ""]


@pytest.mark.parametrize("cell, fragment", [
    ("13812345678", "holds digits"), ("陈明;李娜", "which no name has"), ("陈" * 65, "at most 64"),
    ("<b>陈明</b>", "which no name has"),
])
def test_a_bad_debtor_name_is_a_row_error_naming_line_and_column(tmp_path, cell, fragment):
    header = HEADER.strip() + ",debtor_name\n"
    contacts, errors = read_manifest(write(tmp_path, header + GOOD.strip() + f",{cell}\n"))
    assert not contacts
    (error,) = errors
    assert "manifest line 2 (call_id c1)" in str(error) and "debtor_name" in str(error) and fragment in str(error)
