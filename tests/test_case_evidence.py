"""Case evidence packs (every contact to a debtor, one manifest) and redacted packs for sending out.

The corpus is audited for real (decoding, hashing, rules, storage) with the speech models
replaced by the truth transcripts (:class:`tests.pipelines.test_batch.TruthExecutor`).
"""

from __future__ import annotations

import argparse
import io
import json
import wave
import zipfile
from pathlib import Path

import numpy as np
import pytest

from audit import models
from audit.cli.exports import add_parser
from audit.evidence import BEEP_HZ, EvidenceError, export_case_pack, export_pack, verify_pack
from audit.read.scope import Scope
from audit.storage import session
from pipelines.audio import load_audio
from tests.pipelines.test_batch import TruthExecutor, corpus_rows, make_batch, write_manifest
from tests.test_evidence import add_contact

DEBTOR = "D-7950"
D7950 = [f"dial-7950-{n}" for n in range(1, 7)] + ["dev-012"]


@pytest.fixture
def audited(engine, tmp_path, corpus_dir):
    from pipelines.batch import run_batch

    rows = corpus_rows(corpus_dir)
    batch = make_batch(tmp_path / "in", corpus_dir, list(rows))
    # The dialer's export names the number dialled: D-7950's, written as the dialer does.
    write_manifest(batch, [dict(row, phone="+86 139-0000-7950" if row["debtor_id"] == DEBTOR else "")
                           for row in rows.values()])
    summary = run_batch(engine, batch, executor=TruthExecutor(corpus_dir))
    assert not summary.failures
    return engine


def test_the_dialled_number_is_stored_and_finds_the_debtor(audited):
    from audit.read.timeline import find_debtors

    [match] = find_debtors(audited, Scope(), "13900007950", by="phone")
    assert match.debtor_id == DEBTOR and match.contacts == 7
    assert [m.debtor_id for m in find_debtors(audited, Scope(), "139****7950", by="phone", masked=True)] == [
        DEBTOR
    ]


def read(pack: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(pack) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist()}


def test_case_pack_of_a_debtor_holds_every_contact_and_verifies(audited, tmp_path):
    out = tmp_path / "case.zip"
    info = export_case_pack(audited, out, debtor_id=DEBTOR, dashboard_url="https://audit.example.cn",
                            decoder=load_audio)
    assert verify_pack(out) == []
    files = read(out)
    case = json.loads(files["case.json"])
    assert [c["call_id"] for c in case["contacts"]] == D7950  # oldest first, across the day
    assert case["dial_attempts_per_day"] == {"2026-11-08": 7}
    freq = [f for c in case["contacts"] for f in c["findings"] if f["category"] == "CONTACT_FREQUENCY"]
    assert [f["rule_id"] for f in freq] == ["FREQ-ATTEMPT"]
    assert case["link"] == "https://audit.example.cn/timeline?debtor=D-7950"
    for call_id in D7950:  # each contact's own files, as export_pack writes them
        assert f"contacts/{call_id}/contact.json" in files and f"contacts/{call_id}/findings.json" in files
    assert any(name.startswith("contacts/dev-012/audio/") for name in files)
    assert "FREQ-ATTEMPT" in files["timeline.txt"].decode()
    transcript = files["contacts/dev-012/transcript.txt"].decode()
    assert "https://audit.example.cn/call_detail?call_id=dev-012" in transcript
    manifest = json.loads(files["MANIFEST.json"])
    assert manifest["debtor_id"] == DEBTOR and manifest["contacts"] == 7
    assert info.sha256 and len(info.files) == len(files) - 1  # every file but MANIFEST.sha256 itself


def test_case_pack_by_case_id_and_scope(audited, tmp_path):
    out = tmp_path / "case.zip"
    export_case_pack(audited, out, case_id="L-22010", decoder=load_audio)
    assert [c["call_id"] for c in json.loads(read(out)["case.json"])["contacts"]] == D7950
    with pytest.raises(EvidenceError, match="no contact"):  # another agent's debtor: nothing visible
        export_case_pack(audited, tmp_path / "x.zip", debtor_id=DEBTOR, scope=Scope(agent_id="A017"),
                         decoder=load_audio)
    with pytest.raises(EvidenceError, match="not both"):
        export_case_pack(audited, tmp_path / "x.zip", debtor_id=DEBTOR, case_id="L-22010", decoder=load_audio)


def test_a_changed_byte_in_a_case_pack_is_named(audited, tmp_path):
    out = tmp_path / "case.zip"
    export_case_pack(audited, out, debtor_id=DEBTOR, decoder=load_audio)
    files = read(out)
    with zipfile.ZipFile(out) as zf:
        comment = zf.comment
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(bad, "w") as zf:
        for name, data in files.items():
            if name == "contacts/dev-012/findings.json":
                data = data.replace(b"FREQ-ATTEMPT", b"FREQ-ATTEMPX")
            zf.writestr(name, data)
        zf.comment = comment
    assert [(p.path, p.kind) for p in verify_pack(bad)] == [("contacts/dev-012/findings.json", "changed")]


def test_cli_exports_a_case_and_verifies_it(audited, tmp_path, capsys, db_url):
    parser = argparse.ArgumentParser(prog="audit")
    add_parser(parser.add_subparsers(dest="command", required=True))
    out = tmp_path / "debtor.zip"
    args = parser.parse_args(["evidence", "export", "--debtor", DEBTOR, "--db", db_url, "--out", str(out)])
    assert args.func(args) == 0
    args = parser.parse_args(["evidence", "verify", str(out)])
    assert args.func(args) == 0 and "OK" in capsys.readouterr().out
    args = parser.parse_args(
        ["evidence", "export", "dev-012", "--case", "L-22010", "--db", db_url, "--out", str(out)]
    )
    assert args.func(args) == 2 and "give one CALL_ID" in capsys.readouterr().err


# ----------------------------------------------------------------------------- redaction

PHONE_LINE = "好的，你们可以打我另一个号码13812345678联系我。"


def contact_with_a_number(engine, root: Path) -> None:
    """e-001 (10 s stereo tones) whose debtor says a mobile number between 4.0 and 6.0 s."""
    add_contact(engine, root, "e-001")
    with session(engine) as s:
        seg = s.exec(models.Segment.__table__.select().where(models.Segment.call_id == "e-001",
                                                             models.Segment.idx == 1)).first()
        row = s.get(models.Segment, seg.id)
        row.text = PHONE_LINE
        s.add(row)
        f = s.exec(models.Finding.__table__.select().where(models.Finding.call_id == "e-001")).first()
        finding = s.get(models.Finding, f.id)
        finding.evidence, finding.start, finding.end = "号码13812345678", 4.0, 6.0
        s.add(finding)
        contact = s.get(models.Contact, "e-001")
        contact.phone = "13812345678"
        s.add(contact)
        s.commit()


def samples(wav: bytes) -> tuple[np.ndarray, int]:
    with wave.open(io.BytesIO(wav)) as w:
        data = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").reshape(-1, w.getnchannels())
        return data.astype(np.float32) / 32767, w.getframerate()


def dominant_hz(x: np.ndarray, rate: int) -> float:
    spectrum = np.abs(np.fft.rfft(x))
    return float(np.fft.rfftfreq(len(x), 1 / rate)[int(np.argmax(spectrum))])


def test_redacted_pack_masks_numbers_and_beeps_their_segment(engine, tmp_path):
    contact_with_a_number(engine, tmp_path)
    out = tmp_path / "redacted.zip"
    export_pack(engine, "e-001", out, redact=True, decoder=load_audio)
    assert verify_pack(out) == []
    files = read(out)
    everything = b"".join(data for name, data in files.items() if not name.endswith(".wav"))
    assert b"13812345678" not in everything and b"138****5678" in everything
    assert "whole length" in files["REDACTION.txt"].decode()  # says the beep covers the whole segment
    assert not [n for n in files if n.startswith("audio/") and not n.endswith(".redacted.wav")]
    audio, rate = samples(files["audio/e-001.redacted.wav"])
    transcript = json.loads(files["transcript.json"])
    assert transcript["redacted_audio"] == [{"start": 4.0, "end": 6.0}]
    beeped = audio[int(4.1 * rate):int(5.9 * rate), 0]
    kept = audio[int(1.0 * rate):int(3.0 * rate), 0]
    assert dominant_hz(beeped, rate) == pytest.approx(BEEP_HZ, abs=5)  # the number is a tone now
    assert dominant_hz(kept, rate) == pytest.approx(300, abs=5)  # the rest is the recording
    contact = json.loads(files["contact.json"])["contact"]
    assert contact["phone"] == "138****5678" and contact["original_audio_sha256"]
    clip = next(n for n in files if n.startswith("clips/01_"))  # 1.0–9.0 s around the finding at 4.0–6.0 s
    assert clip.endswith("_0001.00-0009.00.wav")
    clipped, clip_rate = samples(files[clip])
    assert dominant_hz(clipped[int(3.1 * clip_rate) : int(4.9 * clip_rate), 0], clip_rate) == pytest.approx(
        BEEP_HZ, abs=5
    )


def test_unredacted_pack_keeps_the_recording_byte_for_byte(engine, tmp_path):
    contact_with_a_number(engine, tmp_path)
    out = tmp_path / "full.zip"
    export_pack(engine, "e-001", out, decoder=load_audio)
    files = read(out)
    assert files["audio/e-001.wav"] == (tmp_path / "audio" / "e-001.wav").read_bytes()
    assert PHONE_LINE.encode() in files["transcript.txt"] and "REDACTION.txt" not in files
