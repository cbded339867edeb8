"""End to end through the real `audit` command, the real embedded model and corpus audio:
the CLI contract other work and external checks rely on (issue 2)."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys

import pytest

from audit.schema import Category

pytestmark = pytest.mark.slow


def audit(*args, check=True):
    proc = subprocess.run([sys.executable, "-m", "audit.cli", *map(str, args)], capture_output=True, text=True,
                          timeout=600)
    if check and proc.returncode != 0:
        raise AssertionError(f"audit {' '.join(map(str, args))} exited {proc.returncode}:\n"
                             f"{proc.stdout}\n{proc.stderr}")
    return proc


@pytest.fixture(scope="module")
def audited(tmp_path_factory, corpus_dir):
    """dev-003 (stereo call), dev-002 (mono call), two dial attempts, and three bad rows."""
    root = tmp_path_factory.mktemp("batch")
    (root / "audio").mkdir()
    for name in ("dev-003.wav", "dev-002.mp3"):
        shutil.copyfile(corpus_dir / "audio" / name, root / "audio" / name)
    (root / "audio" / "empty.wav").write_bytes(b"")
    (root / "audio" / "notes.wav").write_text("不是录音" * 100, encoding="utf-8")
    rows = list(csv.DictReader(open(corpus_dir / "manifest.csv", encoding="utf-8-sig")))
    keep = [r for r in rows if r["call_id"] in ("dev-003", "dev-002", "dial-7950-1", "dial-7950-2")]
    template = dict(keep[0])
    bad = [dict(template, call_id="bad-missing", audio_file="audio/missing.wav"),
           dict(template, call_id="bad-empty", audio_file="audio/empty.wav"),
           dict(template, call_id="bad-text", audio_file="audio/notes.wav")]
    with open(root / "manifest.csv", "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(keep + bad)
    db = f"sqlite:///{root / 'audit.db'}"
    proc = audit("batch", root, "--db", db, check=False)
    return db, proc


def test_batch_reports_failures_and_audits_the_rest(audited):
    _db, proc = audited
    assert proc.returncode == 1, proc.stderr
    out = proc.stdout
    assert "2 audited" in out and "2 without recording" in out and "3 failed" in out
    assert "bad-missing: audio/missing.wav: file not found" in out
    assert "bad-empty:" in out and "empty file" in out
    assert "bad-text:" in out and "cannot decode" in out


def test_transcripts_jsonl_contract(audited):
    db, _ = audited
    lines = audit("transcripts", "--db", db, "--format", "jsonl").stdout.splitlines()
    rows = [json.loads(line) for line in lines]
    assert rows and all(set(r) == {"call_id", "speaker", "role", "agent_id", "start", "end", "text"} for r in rows)
    # agent_id: the speaking collector, only on collector segments — on a stereo call the
    # collector channel's agent; on dev-002 (mono) nobody enrolled can be B203, so "unregistered"
    assert {(r["call_id"], r["role"], r["agent_id"]) for r in rows} == {
        ("dev-003", "agent", "A022"), ("dev-003", "debtor", None),
        ("dev-002", "agent", "unregistered"), ("dev-002", "debtor", None)}
    assert {r["call_id"] for r in rows} == {"dev-003", "dev-002"}
    stereo = [r for r in rows if r["call_id"] == "dev-003"]
    # the collector is on the left channel: every agent segment is the "agent" channel speaker
    assert {r["role"] for r in stereo if r["speaker"] == "agent"} == {"agent"}
    assert {r["role"] for r in stereo if r["speaker"] == "contact"} == {"debtor"}
    text = "".join(r["text"] for r in stereo if r["role"] == "agent")
    assert "微信" in text and "密码" in text  # the collector's requests, on the collector's channel
    mono = [r for r in rows if r["call_id"] == "dev-002"]
    assert {r["role"] for r in mono} == {"agent", "debtor"}
    assert mono[0]["role"] == "agent" and mono[0]["start"] < 1.0


def test_findings_json_contract(audited):
    db, _ = audited
    findings = json.loads(audit("findings", "--db", db, "--format", "json").stdout)
    keys = {"call_id", "rule_id", "category", "severity", "speaker", "role", "agent_id", "start", "end", "evidence"}
    assert findings and all(keys <= set(f) for f in findings)
    assert all(f["category"] in {c.value for c in Category} for f in findings)
    assert all(f["citation"] for f in findings)
    by_call = {}
    for f in findings:
        by_call.setdefault(f["call_id"], set()).add(f["category"])
    assert by_call["dev-003"] == {"CASH_OR_CARD_REQUEST"}
    assert {"ABUSE", "THREAT_THIRD_PARTY"} <= by_call["dev-002"]
    line = [f for f in findings if f["category"] == "CASH_OR_CARD_REQUEST"]
    assert all(f["role"] == "agent" and f["start"] is not None and f["evidence"] for f in line)


def test_rerun_skips_and_never_duplicates(audited):
    db, _ = audited
    before = audit("findings", "--db", db, "--format", "json").stdout
    segs_before = audit("transcripts", "--db", db).stdout
    # a second run only retries what failed; nothing audited is duplicated
    parent = db.removeprefix("sqlite:///").rsplit("/", 1)[0]
    proc = audit("batch", parent, "--db", db, check=False)
    assert "2 already audited (skipped)" in proc.stdout
    assert audit("findings", "--db", db, "--format", "json").stdout == before
    assert audit("transcripts", "--db", db).stdout == segs_before


def test_pyannote_engine_without_its_extra_says_what_to_install(tmp_path, corpus_dir):
    """pyannote.audio is an optional extra that is not installed here: the mono contact fails
    with the reason, naming the extra, instead of pretending a model ran."""
    (tmp_path / "audio").mkdir()
    shutil.copyfile(corpus_dir / "audio" / "dev-012.mp3", tmp_path / "audio" / "dev-012.mp3")
    rows = list(csv.DictReader(open(corpus_dir / "manifest.csv", encoding="utf-8-sig")))
    with open(tmp_path / "manifest.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows([r for r in rows if r["call_id"] == "dev-012"])
    proc = audit("batch", tmp_path, "--db", f"sqlite:///{tmp_path / 'a.db'}", "--diarizer", "pyannote",
                 "--pyannote-pipeline", str(tmp_path / "no-such-pipeline"), check=False)
    assert proc.returncode == 1
    assert "dev-012:" in proc.stdout and "pyannote" in proc.stdout
