"""Evidence packs: export from a real database and audio, verify, and catch every changed byte."""

from __future__ import annotations

import hashlib
import io
import json
import struct
import wave
import zipfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pytest

from audit import models
from audit.evidence import (
    MANIFEST_JSON,
    MANIFEST_SUMS,
    EvidenceError,
    export_pack,
    pack_filename,
    safe_name,
    unsafe_member,
    verify_pack,
)
from audit.storage import session
from pipelines.audio import load_audio

CST = timezone(timedelta(hours=8))


def write_wav(path: Path, seconds: float, rate: int = 8000, channels: int = 2) -> bytes:
    t = np.arange(int(seconds * rate)) / rate
    tones = [0.3 * np.sin(2 * np.pi * (300 + 200 * c) * t) for c in range(channels)]
    pcm = (np.stack(tones, axis=1) * 32767).astype("<i2")
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(pcm.tobytes())
    return path.read_bytes()


def add_contact(engine, root: Path, call_id="e-001", *, audio=True, seconds=10.0):
    raw = write_wav(root / "audio" / f"{call_id}.wav", seconds) if audio else None
    with session(engine) as s:
        if s.get(models.Agent, "A017") is None:
            s.add(models.Agent(agent_id="A017", name="李娜", team="一组", agency="招商银行信用卡中心"))
        run = models.AuditRun(input_dir=str(root), rule_pack_version="default@abc123", status="ok")
        s.add(run)
        s.flush()
        s.add(models.Contact(
            call_id=call_id, kind="call", started_at=datetime(2026, 11, 2, 10, 15, tzinfo=CST), agent_id="A017",
            team="一组", status="audited" if audio else "no_recording",
            audio_path=f"audio/{call_id}.wav" if audio else None,
            audio_sha256=hashlib.sha256(raw).hexdigest() if audio else None,
            duration_s=seconds if audio else None, rule_pack_version="default@abc123", run_id=run.id,
            channel_layout="stereo_agent_left" if audio else None,
        ))
        s.flush()
        s.add_all([
            models.Segment(call_id=call_id, idx=0, speaker="S1", role="agent", start=0.5, end=3.9,
                           text="您好，我是招商银行信用卡中心的工号1024。", channel=0),
            models.Segment(call_id=call_id, idx=1, speaker="S2", role="debtor", start=4.0, end=6.0,
                           text="你们再骚扰我家人我就报警。", channel=1),
        ])
        findings = [
            models.Finding(call_id=call_id, rule_id="FALSE-AUTH-01", category="FALSE_AUTHORITY", severity="critical",
                           citation="《银行保险机构消费者权益保护管理办法》第41条", speaker="S1", role="agent",
                           start=2.0, end=4.0, evidence="明天公安就上门抓你", review_status="confirmed"),
            models.Finding(call_id=call_id, rule_id="ABUSE-01", category="ABUSE", severity="high",
                           citation="刑法第293条之一", speaker="S1", role="agent", start=8.5, end=9.5,
                           evidence="老赖", review_status="dismissed", review_reason="ASR 误识别"),
            models.Finding(call_id=call_id, rule_id="TIME-QUIET", category="CONTACT_HOURS", severity="high",
                           citation="《金融机构个人消费类贷款催收工作指引（试行）》", evidence="22:40 拨打"),
        ]
        s.add_all(findings)
        s.flush()
        s.add(models.ReviewLog(finding_id=findings[1].id, call_id=call_id, user="supervisor", action="dismiss",
                               before="open", after="dismissed", reason="ASR 误识别"))
        s.commit()
    return raw


@pytest.fixture
def pack(engine, tmp_path):
    raw = add_contact(engine, tmp_path)
    info = export_pack(engine, "e-001", tmp_path / "out" / "pack.zip", audio_root=tmp_path, decoder=load_audio)
    return info, raw


def test_pack_contents(pack):
    info, raw = pack
    with zipfile.ZipFile(info.path) as zf:
        names = set(zf.namelist())
        assert names == {
            "audio/e-001.wav", "clips/01_FALSE-AUTH-01_0000.00-0007.00.wav", "clips/02_ABUSE-01_0005.50-0010.00.wav",
            "transcript.json", "transcript.txt", "findings.json", "review_log.json", "contact.json",
            "rule_pack.json", MANIFEST_JSON, MANIFEST_SUMS,
        }
        assert zf.read("audio/e-001.wav") == raw  # the recording byte for byte
        with wave.open(io.BytesIO(zf.read("clips/01_FALSE-AUTH-01_0000.00-0007.00.wav"))) as clip:
            assert (clip.getframerate(), clip.getnchannels(), clip.getsampwidth()) == (16000, 2, 2)
            assert clip.getnframes() / 16000 == pytest.approx(7.0, abs=0.01)  # 2−3 s clamps to 0; 4+3
        with wave.open(io.BytesIO(zf.read("clips/02_ABUSE-01_0005.50-0010.00.wav"))) as clip:
            assert clip.getnframes() / 16000 == pytest.approx(4.5, abs=0.01)  # clamped at the end
        transcript = json.loads(zf.read("transcript.json"))
        assert [s["text"] for s in transcript["segments"]] == ["您好，我是招商银行信用卡中心的工号1024。",
                                                               "你们再骚扰我家人我就报警。"]
        txt = zf.read("transcript.txt").decode("utf-8")
        assert "[00:04.0–00:06.0] 债务人（S2）：你们再骚扰我家人我就报警。" in txt
        findings = json.loads(zf.read("findings.json"))
        assert [(f["rule_id"], f["citation"], f["clip"]) for f in findings] == [
            ("FALSE-AUTH-01", "《银行保险机构消费者权益保护管理办法》第41条",
             "clips/01_FALSE-AUTH-01_0000.00-0007.00.wav"),
            ("ABUSE-01", "刑法第293条之一", "clips/02_ABUSE-01_0005.50-0010.00.wav"),
            ("TIME-QUIET", "《金融机构个人消费类贷款催收工作指引（试行）》", None),
        ]
        assert findings[1]["review_status"] == "dismissed" and findings[1]["review_reason"] == "ASR 误识别"
        assert json.loads(zf.read("review_log.json"))[0]["action"] == "dismiss"
        contact = json.loads(zf.read("contact.json"))
        assert contact["contact"]["started_at"].startswith("2026-11-02T02:15:00")  # stored in UTC
        assert contact["agent"]["name"] == "李娜"
        assert json.loads(zf.read("rule_pack.json"))["rule_pack_version"] == "default@abc123"
        # MANIFEST.sha256 is sha256sum format and covers every other file, MANIFEST.json included.
        sums = dict(reversed(line.split("  ", 1)) for line in zf.read(MANIFEST_SUMS).decode().splitlines())
        assert set(sums) == names - {MANIFEST_SUMS}
        for name, digest in sums.items():
            assert hashlib.sha256(zf.read(name)).hexdigest() == digest
    assert info.clips == 2
    assert info.sha256 == hashlib.sha256(info.path.read_bytes()).hexdigest()
    assert verify_pack(info.path) == []


def rewrite(src: Path, dst: Path, change) -> None:
    """Copy a zip member by member, letting ``change(name, data)`` return new bytes or None to drop."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for item in zin.infolist():
            data = change(item.filename, zin.read(item))
            if data is not None:
                zout.writestr(item, data)
        zout.comment = zin.comment


def flip(data: bytes, index: int) -> bytes:
    return data[:index] + bytes([data[index] ^ 0x01]) + data[index + 1:]


def test_flipping_one_byte_in_any_file_is_named(pack, tmp_path):
    info, _ = pack
    with zipfile.ZipFile(info.path) as zf:
        members = zf.namelist()
    assert len(members) == 11
    for member in members:
        for where in ("first", "middle", "last"):
            bad = tmp_path / f"bad-{where}.zip"

            def change(name, data, member=member, where=where):
                if name != member:
                    return data
                index = {"first": 0, "middle": len(data) // 2, "last": len(data) - 1}[where]
                return flip(data, index)

            rewrite(info.path, bad, change)
            problems = verify_pack(bad)
            assert problems, f"a flipped {where} byte in {member} went unnoticed"
            assert {p.path for p in problems} == {member}, (member, where, [str(p) for p in problems])


def test_flipped_byte_in_the_zip_file_itself(pack, tmp_path):
    """Editing the zip in place (not repacking) is caught too, and names the member."""
    info, _ = pack
    with zipfile.ZipFile(info.path) as zf:
        item = zf.getinfo("audio/e-001.wav")
    raw = bytearray(info.path.read_bytes())
    name_len, extra_len = struct.unpack("<HH", raw[item.header_offset + 26: item.header_offset + 30])
    data_start = item.header_offset + 30 + name_len + extra_len
    raw[data_start + item.compress_size // 2] ^= 0x01
    bad = tmp_path / "inplace.zip"
    bad.write_bytes(bytes(raw))
    assert [(p.path, p.kind) for p in verify_pack(bad)] == [("audio/e-001.wav", "changed")]


@pytest.mark.parametrize(
    "change,expected",
    [
        (lambda n, d: None if n == "transcript.txt" else d, [("transcript.txt", "missing")]),
        (lambda n, d: None if n == MANIFEST_SUMS else d, [(MANIFEST_SUMS, "missing")]),
        (lambda n, d: d + b"\n" if n == "findings.json" else d, [("findings.json", "changed")]),
    ],
)
def test_missing_and_changed_files(pack, tmp_path, change, expected):
    info, _ = pack
    bad = tmp_path / "bad.zip"
    rewrite(info.path, bad, change)
    assert [(p.path, p.kind) for p in verify_pack(bad)] == expected


def test_extra_file(pack, tmp_path):
    info, _ = pack
    bad = tmp_path / "extra.zip"
    rewrite(info.path, bad, lambda n, d: d)
    with zipfile.ZipFile(bad, "a") as zf:
        zf.writestr("notes.txt", "后加的文件")
    assert [(p.path, p.kind) for p in verify_pack(bad)] == [("notes.txt", "extra")]


def test_not_a_zip(tmp_path):
    path = tmp_path / "x.zip"
    path.write_bytes(b"not a zip")
    assert [p.kind for p in verify_pack(path)] == ["unreadable"]


def test_dial_attempt_without_recording(engine, tmp_path):
    add_contact(engine, tmp_path, "e-002", audio=False)
    info = export_pack(engine, "e-002", tmp_path / "p.zip", decoder=load_audio)
    with zipfile.ZipFile(info.path) as zf:
        assert not any(n.startswith(("audio/", "clips/")) for n in zf.namelist())
        assert "no recording" in json.loads(zf.read(MANIFEST_JSON))["warnings"][0]
    assert verify_pack(info.path) == []


def test_export_errors_name_the_problem(engine, tmp_path):
    with pytest.raises(EvidenceError, match="'nope' is not in the database"):
        export_pack(engine, "nope", tmp_path / "p.zip", decoder=load_audio)
    add_contact(engine, tmp_path, "e-003")
    with pytest.raises(EvidenceError, match="--audio-root"):
        export_pack(engine, "e-003", tmp_path / "p.zip", audio_root=tmp_path / "elsewhere", decoder=load_audio)
    (tmp_path / "audio" / "e-003.wav").write_bytes(b"RIFF changed after the audit")
    with pytest.raises(EvidenceError, match="not the file that was audited"):
        export_pack(engine, "e-003", tmp_path / "p.zip", audio_root=tmp_path, decoder=load_audio)


def test_decoder_is_passed_in_and_needed_only_for_clips_and_beeps(engine, tmp_path):
    """audit decodes no audio: a pack that needs samples names the missing decoder; one that does
    not (no timed finding, not redacted) is written without one, recording byte for byte."""
    raw = add_contact(engine, tmp_path, "e-004")
    for redact in (False, True):
        with pytest.raises(EvidenceError, match=r"e-004: .*needs an audio decoder.*pipelines\.audio\.load_audio"):
            export_pack(engine, "e-004", tmp_path / "p.zip", audio_root=tmp_path, redact=redact)
    with session(engine) as s:
        for finding in s.exec(models.Finding.__table__.select().where(models.Finding.call_id == "e-004")).all():
            row = s.get(models.Finding, finding.id)
            row.start = row.end = None
            s.add(row)
        s.commit()
    info = export_pack(engine, "e-004", tmp_path / "p.zip", audio_root=tmp_path)
    with zipfile.ZipFile(info.path) as zf:
        assert zf.read("audio/e-004.wav") == raw
        assert not any(n.startswith("clips/") for n in zf.namelist())
    assert verify_pack(info.path) == []


SECRET = b"root:x:0:0:root:/root:/bin/bash\nplanted-secret-7f3a\n"


def point_at(engine, call_id: str, audio_path: str, sha256: str) -> None:
    """Edit a stored contact the way a tampered or foreign database row would look."""
    with session(engine) as s:
        row = s.get(models.Contact, call_id)
        row.audio_path, row.audio_sha256 = audio_path, sha256
        s.add(row)
        s.commit()


@pytest.mark.parametrize("how", ["absolute", "dotdot", "symlink", "audio_root"])
def test_export_never_packs_a_file_outside_the_input_folder(engine, tmp_path, how):
    _never_packs_outside(engine, tmp_path, how)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # PostgreSQL text cannot hold a NUL byte
def test_export_never_packs_a_path_with_a_nul_byte(engine, tmp_path):
    _never_packs_outside(engine, tmp_path, "nul")


def _never_packs_outside(engine, tmp_path, how):
    """A stored audio_path that leads out of the run's input folder is refused, even when the row's
    SHA-256 is the planted file's own (whoever edits the row can edit both), and nothing of it is written."""
    inputs = tmp_path / "inputs"
    add_contact(engine, inputs, "e-010")
    secret = tmp_path / "secret" / "passwd"
    secret.parent.mkdir()
    secret.write_bytes(SECRET)
    audio_root = None
    if how == "absolute":
        stored = str(secret)
    elif how == "dotdot":
        stored = "../secret/passwd"
    elif how == "symlink":
        (inputs / "audio" / "link.wav").symlink_to(secret)
        stored = str(inputs / "audio" / "link.wav")
    elif how == "audio_root":  # --audio-root cannot widen what an absolute stored path may reach
        stored, audio_root = str(secret), inputs
    else:  # a NUL byte cuts a C path short: refused like the others, not a ValueError from deep inside
        stored = str(inputs / "audio" / "e-010.wav") + "\x00" + str(secret)
    point_at(engine, "e-010", stored, hashlib.sha256(SECRET).hexdigest())
    out = tmp_path / "out"
    refused = r"e-010: refusing to pack the recording: " + ("embedded null byte" if how == "nul" else
                                                           ".*outside the audit run's input folder")
    with pytest.raises(EvidenceError, match=refused):
        export_pack(engine, "e-010", out / "e-010.zip", audio_root=audio_root, decoder=load_audio)
    written = [p for p in out.rglob("*") if p.is_file()] if out.exists() else []
    assert not any(b"planted-secret-7f3a" in p.read_bytes() for p in written)


def test_audio_root_finds_a_moved_input_folder(engine, tmp_path):
    """--audio-root still serves its purpose: an absolute path inside it, from a run whose input
    folder was elsewhere, is packed when its bytes are the audited ones."""
    raw = add_contact(engine, tmp_path / "moved", "e-011")
    with session(engine) as s:
        run = s.get(models.AuditRun, s.get(models.Contact, "e-011").run_id)
        run.input_dir = str(tmp_path / "gone")  # the folder the batch read no longer exists
        s.add(run)
        s.commit()
    point_at(engine, "e-011", str(tmp_path / "moved" / "audio" / "e-011.wav"), hashlib.sha256(raw).hexdigest())
    with pytest.raises(EvidenceError, match="outside the audit run's input folder"):
        export_pack(engine, "e-011", tmp_path / "p.zip", decoder=load_audio)
    info = export_pack(engine, "e-011", tmp_path / "p.zip", audio_root=tmp_path / "moved", decoder=load_audio)
    with zipfile.ZipFile(info.path) as zf:
        assert zf.read("audio/e-011.wav") == raw
    assert verify_pack(info.path) == []


@pytest.mark.parametrize("call_id", [
    "../../x", "..", ".", "", "/etc/passwd", "C:\\Windows\\x", "a\\..\\..\\b", "a/../../b", "...", "x\x00y",
    "\n", ".hidden", "催收" * 200, "a..b",
])
def test_pack_filename_is_one_safe_name(call_id):
    name = pack_filename(call_id)
    assert name.endswith(".zip") and len(name.encode("utf-8")) <= 255
    assert "/" not in name and "\\" not in name and ".." not in name and not name.startswith(".")
    assert all(ch.isalnum() or ch in "._-" for ch in name), name
    assert unsafe_member(f"audio/{name}") is None


def test_pack_filename_keeps_plain_ids_and_tells_unsafe_ones_apart():
    assert pack_filename("T-20261102-0001") == "T-20261102-0001.zip"
    assert pack_filename("招商-通话_001") == "招商-通话_001.zip"
    assert pack_filename("a/b") != pack_filename("a_b") == "a_b.zip"
    assert safe_name("e-001.wav", "recording.wav") == "e-001.wav"


def test_audio_member_name_cannot_leave_the_unpack_folder(engine, tmp_path):
    """A recording whose stored file name is a Windows traversal (legal as one Linux file name) is
    packed under a safe member name, and the pack still verifies."""
    raw = add_contact(engine, tmp_path, "e-012")
    evil = tmp_path / "audio" / "..\\..\\evil.wav"
    evil.write_bytes(raw)
    point_at(engine, "e-012", str(evil), hashlib.sha256(raw).hexdigest())
    info = export_pack(engine, "e-012", tmp_path / "p.zip", audio_root=tmp_path, decoder=load_audio)
    with zipfile.ZipFile(info.path) as zf:
        audio = [n for n in zf.namelist() if n.startswith("audio/")]
        assert audio == ["audio/_._evil.wav"] and zf.read(audio[0]) == raw
        assert all(unsafe_member(n) is None for n in zf.namelist())
    assert verify_pack(info.path) == []


def test_corpus_recording(engine, corpus_dir, tmp_path):
    """A real stereo corpus call: stored bytes kept, clip decoded through PyAV at 16 kHz."""
    audio = corpus_dir / "audio" / "dev-001.wav"
    with session(engine) as s:
        s.add(models.Agent(agent_id="A017", name="李娜", team="一组"))
        s.flush()
        s.add(models.Contact(call_id="dev-001", kind="call", started_at=datetime(2026, 11, 2, 10, 15, tzinfo=CST),
                             agent_id="A017", status="audited", audio_path="audio/dev-001.wav",
                             audio_sha256=hashlib.sha256(audio.read_bytes()).hexdigest()))
        s.flush()
        s.add(models.Finding(call_id="dev-001", rule_id="ABUSE-01", category="ABUSE", severity="high",
                             start=5.0, end=7.0, evidence="…"))
        s.commit()
    info = export_pack(engine, "dev-001", tmp_path / "dev-001.zip", audio_root=corpus_dir, decoder=load_audio)
    with zipfile.ZipFile(info.path) as zf:
        assert zf.read("audio/dev-001.wav") == audio.read_bytes()
        clip_name = next(n for n in zf.namelist() if n.startswith("clips/"))
        with wave.open(io.BytesIO(zf.read(clip_name))) as clip:
            assert clip.getnchannels() == 2 and clip.getnframes() / 16000 == pytest.approx(8.0, abs=0.01)
            pcm = np.frombuffer(clip.readframes(clip.getnframes()), dtype="<i2")
            assert np.abs(pcm).max() > 1000  # real speech, not silence
    assert verify_pack(info.path) == []


# ----------------------------------------------------------------------------- hostile packs
# verify_pack is run on packs that come back from anyone; these build the zips an attacker would.


@pytest.fixture(scope="module")
def small_pack(tmp_path_factory) -> Path:
    """One real exported pack, built once for the tests that only read it."""
    from audit.storage import init_db, make_engine

    root = tmp_path_factory.mktemp("small-pack")
    engine = make_engine(f"sqlite:///{root / 'audit.db'}")
    init_db(engine)
    add_contact(engine, root, seconds=4.0)
    info = export_pack(engine, "e-001", root / "pack.zip", audio_root=root, decoder=load_audio)
    engine.dispose()
    assert verify_pack(info.path) == []
    return info.path


def members(path: Path) -> list[tuple[zipfile.ZipInfo, bytes]]:
    with zipfile.ZipFile(path) as zf:
        return [(item, zf.read(item)) for item in zf.infolist()]


def write_zip(dst: Path, entries, comment: bytes) -> Path:
    """Write (name or ZipInfo, bytes) entries as they are, duplicates included."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about duplicate names: here they are the point
        with zipfile.ZipFile(dst, "w") as zf:
            for item, data in entries:
                zf.writestr(item, data)
            zf.comment = comment
    return dst


def comment_of(path: Path) -> bytes:
    with zipfile.ZipFile(path) as zf:
        return zf.comment


@pytest.mark.parametrize("member", ["audio/e-001.wav", "findings.json", MANIFEST_SUMS])
def test_duplicate_member_names_are_reported(small_pack, tmp_path, member):
    """A tampered copy before the intact one: zipfile and many tools show only one of them, so a
    clean verdict would vouch for a file the reader may never see. Both orders and identical twins
    are reported."""
    entries = members(small_pack)
    original = next(data for item, data in entries if item.filename == member)
    tampered = flip(original, len(original) // 2)
    first = write_zip(tmp_path / "first.zip", [(member, tampered), *entries], comment_of(small_pack))
    problems = verify_pack(first)
    assert (member, "duplicate") in [(p.path, p.kind) for p in problems]
    assert (member, "changed") in [(p.path, p.kind) for p in problems]  # the tampered copy is named too
    twins = write_zip(tmp_path / "twins.zip", [*entries, (member, original)], comment_of(small_pack))
    assert [(p.path, p.kind) for p in verify_pack(twins)] == [(member, "duplicate")]


@pytest.mark.parametrize("name", ["../escape.txt", "/etc/cron.d/x", "C:/Windows/x.txt", "audio\\..\\..\\x.wav",
                                  "audio/../../x.wav"])
def test_member_names_that_unpack_outside_the_folder_are_reported(small_pack, tmp_path, name):
    bad = write_zip(tmp_path / "bad.zip", [*members(small_pack), (name, b"payload")], comment_of(small_pack))
    assert ("unsafe", "extra") == tuple(p.kind for p in verify_pack(bad) if p.path == name)


def test_folder_entries(small_pack, tmp_path):
    """Empty folder entries, as an archiver adds when it re-zips a pack, change nothing; one that
    carries bytes hides them from every unzip tool and is reported."""
    entries = members(small_pack)
    folders = [("audio/", b""), ("clips/", b"")]
    rezipped = write_zip(tmp_path / "rezipped.zip", [*folders, *entries], comment_of(small_pack))
    assert verify_pack(rezipped) == []
    hiding = write_zip(tmp_path / "hiding.zip", [*entries, ("notes/", b"hidden")], comment_of(small_pack))
    assert [(p.path, p.kind) for p in verify_pack(hiding)] == [("notes/", "malformed")]


def test_member_name_cut_to_nothing(small_pack, tmp_path):
    """A name of one NUL byte reads back as '' (zipfile cuts names at NUL), on which ZipInfo.is_dir()
    raises IndexError: verify reports it instead (found by the fuzz test below)."""
    entries = [(zipfile.ZipInfo("\x00") if item.filename == "findings.json" else item, data)
               for item, data in members(small_pack)]
    bad = write_zip(tmp_path / "nul.zip", entries, comment_of(small_pack))
    assert [(p.path, p.kind) for p in verify_pack(bad)] == [("", "unsafe"), ("findings.json", "missing"),
                                                            ("", "extra")]


@pytest.mark.parametrize("comment", [b"callaudit-evidence/1 MANIFEST.sha256=", b"callaudit-evidence/1",
                                     b"something else", None])
def test_zip_comment_changed(small_pack, tmp_path, comment):
    """A cut or rewritten anchor is named; an absent one (a pack re-zipped by an archiver) is not."""
    original = comment_of(small_pack)
    bad = write_zip(tmp_path / "comment.zip", members(small_pack),
                    original[:-1] if comment is None else comment)
    assert [(p.path, p.kind) for p in verify_pack(bad)] == [("zip comment", "changed")]
    assert verify_pack(write_zip(tmp_path / "none.zip", members(small_pack), b"")) == []


def add_zeros(path: Path, name: str, megabytes: int) -> None:
    """Append a member of ``megabytes`` MiB of zeros, deflated (~1 KB per MiB), written in chunks."""
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as zf, zf.open(name, "w") as out:
        block = bytes(1 << 20)
        for _ in range(megabytes):
            out.write(block)


def test_zip_bomb_is_streamed_in_little_memory(small_pack, tmp_path):
    """200 MiB of zeros in ~200 KB, named like audio (exempt from the ratio limit, so it is read):
    verify hashes it in chunks, never holding a member in memory, and names it."""
    import tracemalloc

    bomb = tmp_path / "bomb.zip"
    bomb.write_bytes(small_pack.read_bytes())
    add_zeros(bomb, "audio/bomb.wav", 200)
    assert bomb.stat().st_size < 2_000_000
    tracemalloc.start()
    try:
        problems = verify_pack(bomb)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [(p.path, p.kind) for p in problems] == [("audio/bomb.wav", "extra")]
    assert peak < 50 * 2**20, f"verify peaked at {peak / 2**20:.0f} MiB"


def test_zip_bomb_members_are_refused_unread(small_pack, tmp_path, monkeypatch):
    """A text member at ~1000:1 is refused by its declared ratio; a pack declaring more than the
    total limit is refused before anything is inflated."""
    from audit.evidence import verify

    bomb = tmp_path / "bomb.zip"
    bomb.write_bytes(small_pack.read_bytes())
    add_zeros(bomb, "notes.txt", 20)
    problems = verify_pack(bomb)
    assert [(p.path, p.kind) for p in problems] == [("notes.txt", "oversized"), ("notes.txt", "extra")]
    assert "ratio over 1000:1" in problems[0].detail

    def no_reading(*args, **kwargs):
        raise AssertionError("a member was inflated")

    monkeypatch.setattr(verify, "MAX_TOTAL_BYTES", 100_000)
    monkeypatch.setattr(verify, "_hash_member", no_reading)
    problems = verify_pack(small_pack)
    assert [(p.path, p.kind) for p in problems] == [(str(small_pack), "oversized")]
    assert "more than the 100000 a pack may hold" in problems[0].detail


def central_entry(raw: bytes, name: str) -> int:
    """Offset of ``name``'s central directory record in a zip's bytes."""
    at = raw.index(b"PK\x01\x02")
    while raw[at + 46: at + 46 + len(name)] != name.encode():
        at = raw.index(b"PK\x01\x02", at + 4)
    return at


def test_member_whose_header_lies_about_its_size(small_pack, tmp_path):
    """A member that inflates to another size than its headers declare is named, whichever way it lies."""
    with zipfile.ZipFile(small_pack) as zf:
        item = zf.getinfo("findings.json")
    for declared in (item.file_size - 10, item.file_size + 10):
        raw = bytearray(small_pack.read_bytes())
        struct.pack_into("<I", raw, item.header_offset + 22, declared)  # local header: uncompressed size
        struct.pack_into("<I", raw, central_entry(raw, "findings.json") + 24, declared)  # central directory
        bad = tmp_path / f"lies-{declared}.zip"
        bad.write_bytes(bytes(raw))
        assert [(p.path, p.kind) for p in verify_pack(bad)] == [("findings.json", "changed")]


def test_reading_stops_where_the_header_says_the_member_ends():
    """Whatever the decompressor hands out, no more than the declared size (plus one chunk) is read."""
    from audit.evidence.verify import _hash_member

    class Gusher:
        """A zip whose one member inflates forever."""

        handed_out = 0

        def open(self, info):
            zf = self

            class Stream(io.RawIOBase):
                def readable(self):
                    return True

                def readinto(self, buffer):
                    zf.handed_out += len(buffer)
                    buffer[:] = bytes(len(buffer))
                    return len(buffer)

            return io.BufferedReader(Stream())

    info = zipfile.ZipInfo("notes.txt")
    info.file_size = 100
    fake = Gusher()
    with pytest.raises(Exception, match="inflates to more than the 100 bytes its header declares"):
        _hash_member(fake, info, keep=True)
    assert fake.handed_out <= 2 << 20


# ----------------------------------------------------------------------------- fuzzing verify
# Random damage to a real pack: verify must always answer with a list of problems, never raise,
# and never call a pack clean when any member's bytes or names differ from the export.

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from audit.evidence import Problem  # noqa: E402

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def fuzz_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def checked(path: Path) -> list[Problem]:
    problems = verify_pack(path)  # must not raise, whatever the file
    assert isinstance(problems, list) and all(isinstance(p, Problem) for p in problems)
    return problems


class Layout(tuple):
    """(raw bytes, signature offsets, stored data ranges), shown short in a falsifying example."""

    def __repr__(self) -> str:
        return f"Layout({len(self[0])} bytes, {len(self[1])} records, {len(self[2])} stored members)"


@pytest.fixture(scope="module")
def pack_layout(small_pack) -> Layout:
    raw = small_pack.read_bytes()
    return Layout((raw, *layout(raw)))


def layout(raw: bytes) -> tuple[list[int], list[tuple[int, int]]]:
    """Offsets of every zip record signature, and the byte ranges of stored members' data."""
    signatures = [i for i in range(len(raw) - 3) if raw[i:i + 2] == b"PK" and raw[i + 2:i + 4] in
                  (b"\x03\x04", b"\x01\x02", b"\x05\x06")]
    stored = []
    with zipfile.ZipFile(io.BytesIO(raw)) as zf:
        for item in zf.infolist():
            if item.compress_type == zipfile.ZIP_STORED and item.file_size:
                name_len, extra_len = struct.unpack("<HH", raw[item.header_offset + 26: item.header_offset + 30])
                start = item.header_offset + 30 + name_len + extra_len
                stored.append((start, start + item.compress_size))
    return signatures, stored


@FUZZ
@given(data=st.data())
def test_fuzz_damaged_zip_bytes(pack_layout, fuzz_dir, data):
    """Flipped bytes (mostly in the zip's headers and directory) and truncations."""
    raw, signatures, stored = pack_layout
    bad = bytearray(raw)
    if data.draw(st.booleans(), label="truncate"):
        bad = bad[:data.draw(st.integers(0, len(raw) - 1), label="keep")]
    else:
        anywhere = st.integers(0, len(raw) - 1)
        in_headers = st.builds(lambda at, delta: min(at + delta, len(raw) - 1), st.sampled_from(signatures),
                               st.integers(0, 80))
        for where, value in data.draw(st.lists(st.tuples(st.one_of(in_headers, anywhere), st.integers(0, 255)),
                                               min_size=1, max_size=6), label="writes"):
            bad[where] = value
    path = fuzz_dir / "damaged.zip"
    path.write_bytes(bytes(bad))
    problems = checked(path)
    if len(bad) < len(raw) or any(bad[a:b] != raw[a:b] for a, b in stored):
        assert problems, "a truncated pack, or changed recording/clip bytes, was reported clean"


def mutate_bytes(data: st.DataObject, original: bytes) -> bytes:
    how = data.draw(st.sampled_from(["flip", "insert", "delete", "truncate", "replace"]), label="how")
    at = data.draw(st.integers(0, max(len(original) - 1, 0)), label="at")
    if how == "flip" and original:
        return original[:at] + bytes([original[at] ^ data.draw(st.integers(1, 255))]) + original[at + 1:]
    if how == "insert":
        return original[:at] + data.draw(st.binary(min_size=1, max_size=8)) + original[at:]
    if how == "delete" and original:
        return original[:at] + original[at + data.draw(st.integers(1, 8)):]
    if how == "truncate":
        return original[:at]
    return data.draw(st.binary(max_size=64))


MEMBER_NAMES = st.one_of(
    st.sampled_from(["audio/e-001.wav", "findings.json", MANIFEST_SUMS, MANIFEST_JSON, "../findings.json",
                     "/findings.json", "audio\\e-001.wav", "audio/../findings.json", "Findings.json", "x/",
                     "\x00", "\x00findings.json", "findings.json\x00x"]),
    st.text(min_size=1, max_size=20),
)


@FUZZ
@given(data=st.data())
def test_fuzz_changed_members(small_pack, fuzz_dir, data):
    """Members changed, renamed, dropped, duplicated, reordered or recompressed, then repacked:
    verify says clean exactly when every member's name and bytes are still the exported ones."""
    original = [(item.filename, payload) for item, payload in members(small_pack)]
    entries = list(original)
    for _ in range(data.draw(st.integers(1, 3), label="edits")):
        op = data.draw(st.sampled_from(["mutate", "rename", "drop", "duplicate", "reorder", "recompress"]), label="op")
        i = data.draw(st.integers(0, len(entries) - 1), label="member") if entries else None
        if i is None:
            break
        name, payload = entries[i]
        if op == "mutate":
            entries[i] = (name, mutate_bytes(data, payload))
        elif op == "rename":
            entries[i] = (data.draw(MEMBER_NAMES, label="new name"), payload)
        elif op == "drop":
            del entries[i]
        elif op == "duplicate":
            copy = payload if data.draw(st.booleans(), label="intact copy") else mutate_bytes(data, payload)
            entries.insert(data.draw(st.integers(0, len(entries)), label="copy at"), (name, copy))
        elif op == "reorder":
            entries = data.draw(st.permutations(entries), label="order")
    method = data.draw(st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, None]), label="compression")
    path = fuzz_dir / "changed.zip"
    infos = []
    for name, payload in entries:
        info = zipfile.ZipInfo(name)
        info.compress_type = method if method is not None else (
            zipfile.ZIP_STORED if name.startswith(("audio/", "clips/")) else zipfile.ZIP_DEFLATED)
        infos.append((info, payload))
    write_zip(path, infos, comment_of(small_pack))
    with zipfile.ZipFile(path) as zf:  # the names as zipfile wrote them (it cuts a name at NUL)
        written = [(item.filename, zf.read(item)) for item in zf.infolist()]
    # An empty folder entry (as archivers add) with a safe name changes nothing that unpacks.
    kept = [(n, d) for n, d in written if not (n.endswith("/") and not d and unsafe_member(n) is None)]
    unchanged = sorted(kept) == sorted(original)
    problems = checked(path)
    assert (problems == []) == unchanged, (unchanged, [str(p) for p in problems])
