"""The batch job's guarantees, fast: idempotence, --force, fault isolation, interruption, the
run record, on SQLite and PostgreSQL.

The speech models are the one boundary replaced here: :class:`TruthPipeline` returns the
corpus truth turns as the transcript. Decoding, hashing, the truncation check, the manifest,
the rule pack and the storage are the real ones. The same guarantees with the real model run
through the real ``audit`` command in ``tests/test_cli_batch.py``.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import select

from audit import models
from audit.schema import Contact, Segment, Transcript
from audit.storage import session as open_session
from pipelines.batch import (
    Failure,
    LocalExecutor,
    RayExecutor,
    Worker,
    WorkItem,
    check_complete,
    get_executor,
    run_batch,
)
from pipelines.process import PipelineOptions

# -- building batches from the corpus -------------------------------------------------------------


def corpus_rows(corpus_dir: Path) -> dict[str, dict[str, str]]:
    with open(corpus_dir / "manifest.csv", encoding="utf-8-sig", newline="") as handle:
        return {row["call_id"]: row for row in csv.DictReader(handle)}


def write_manifest(root: Path, rows: list[dict[str, str]], encoding: str = "utf-8") -> None:
    with open(root / "manifest.csv", "w", encoding=encoding, newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def make_batch(root: Path, corpus_dir: Path, call_ids: list[str], encoding: str = "utf-8") -> Path:
    """INPUT_DIR with the corpus rows ``call_ids`` and their recordings."""
    rows = corpus_rows(corpus_dir)
    (root / "audio").mkdir(parents=True, exist_ok=True)
    for call_id in call_ids:
        if rows[call_id]["audio_file"]:
            shutil.copyfile(corpus_dir / rows[call_id]["audio_file"], root / rows[call_id]["audio_file"])
    write_manifest(root, [rows[c] for c in call_ids], encoding)
    return root


# Each bad row: (call_id, changes to a good row, what the failure must say).
BAD_ROWS = [
    ("bad-empty", {"audio_file": "audio/empty.wav"}, "empty file"),
    ("bad-truncated", {"audio_file": "audio/cut.mp3", "channel_layout": "mono"}, "truncated recording"),
    ("bad-text", {"audio_file": "audio/notes.wav"}, "cannot decode"),
    ("bad-missing", {"audio_file": "audio/gone.wav"}, "file not found"),
    ("bad-date", {"started_at": "2026-11-31 25:00"}, "started_at"),
    ("bad-number", {"days_past_due": "四十五"}, "days_past_due '四十五' is not a number"),
    ("bad-layout", {"channel_layout": "stereo_agent_middle"}, "channel_layout 'stereo_agent_middle'"),
]
GOOD = ["dev-014", "dial-7950-1"]  # a short stereo call and a dial attempt without recording


def make_faulty_batch(root: Path, corpus_dir: Path) -> Path:
    """Every kind of bad input next to good rows, in a GBK-encoded manifest (Excel's export)."""
    rows = corpus_rows(corpus_dir)
    make_batch(root, corpus_dir, GOOD)
    (root / "audio" / "empty.wav").write_bytes(b"")
    mp3 = (corpus_dir / "audio" / "dev-012.mp3").read_bytes()
    (root / "audio" / "cut.mp3").write_bytes(mp3[: len(mp3) // 2])  # upload broke off halfway
    (root / "audio" / "notes.wav").write_text("这不是录音，是备注。\n" * 50, encoding="utf-8")
    template = rows["dev-014"]
    bad = [dict(template, call_id=call_id, **changes) for call_id, changes, _ in BAD_ROWS]
    duplicate = dict(rows["dev-012"], call_id="dev-014")  # a second row reusing dev-014's call_id
    write_manifest(root, [rows[c] for c in GOOD] + bad + [duplicate], encoding="gbk")
    return root


class TruthPipeline:
    """Stands in for the speech models: the corpus truth turns are the transcript."""

    def __init__(self, corpus_dir: Path):
        self.corpus_dir = corpus_dir

    def process(self, contact, audio, heard=None) -> Transcript:
        truth = json.loads((self.corpus_dir / "truth" / f"{contact.call_id}.json").read_text(encoding="utf-8"))
        segments = [Segment(speaker=t["speaker"], role=t["role"], start=t["start"], end=t["end"], text=t["text"])
                    for t in truth["turns"]]
        return Transcript(call_id=contact.call_id, duration_s=round(audio.duration, 3), segments=segments,
                          metrics={"duration_s": round(audio.duration, 3)})


class TruthExecutor:
    """One local worker whose speech models are :class:`TruthPipeline`; ``after`` is called
    after each result (to interrupt a run at a known point)."""

    name = "local"
    workers = 1

    def __init__(self, corpus_dir: Path, after=None):
        self.corpus_dir, self.after = corpus_dir, after
        self.ran: list[str] = []

    def map(self, worker: Worker, items: list[WorkItem]):
        local = worker.with_options(worker.options)
        local._pipeline = TruthPipeline(self.corpus_dir)
        for item in items:
            self.ran.append(item.contact.call_id)
            yield local.run(item)
            if self.after:
                self.after(len(self.ran))


def stored(engine) -> dict[str, object]:
    """What the database holds, as comparable values."""
    with open_session(engine) as session:
        contacts = {c.call_id: (c.status, c.audio_sha256, c.rule_pack_version, c.failure_reason)
                    for c in session.exec(select(models.Contact)).scalars()}
        segments = [(s.call_id, s.idx, s.start, s.end, s.text) for s in session.exec(select(models.Segment)).scalars()]
        findings = [(f.call_id, f.rule_id, f.start, f.end, f.evidence)
                    for f in session.exec(select(models.Finding)).scalars()]
    return {"contacts": contacts, "segments": sorted(segments), "findings": sorted(findings, key=repr)}


def no_duplicates(state) -> None:
    segment_keys = Counter((s[0], s[1]) for s in state["segments"])
    assert max(segment_keys.values(), default=1) == 1, "a segment is stored twice"
    finding_keys = Counter(state["findings"])
    assert max(finding_keys.values(), default=1) == 1, "a finding is stored twice"


def audit_run(engine, run_id: int) -> models.AuditRun:
    with open_session(engine) as session:
        return session.get(models.AuditRun, run_id)


# -- idempotence ----------------------------------------------------------------------------------


def test_rerun_skips_everything_and_duplicates_nothing(engine, tmp_path, corpus_dir):
    batch = make_batch(tmp_path / "in", corpus_dir, ["dev-014", "dev-012", "dial-7950-1", "dial-7950-2"])
    first_exec = TruthExecutor(corpus_dir)
    first = run_batch(engine, batch, executor=first_exec)
    assert (first.audited, first.no_recording, first.skipped, first.ok) == (2, 2, 0, True)
    assert first.findings > 0
    state = stored(engine)
    no_duplicates(state)
    assert {c: v[0] for c, v in state["contacts"].items()} == {
        "dev-014": "audited", "dev-012": "audited", "dial-7950-1": "no_recording", "dial-7950-2": "no_recording"}

    again = TruthExecutor(corpus_dir)
    second = run_batch(engine, batch, executor=again)
    assert again.ran == [] and (second.audited, second.skipped, second.ok) == (0, 2, True)
    assert stored(engine) == state


def test_force_reaudits_and_still_duplicates_nothing(engine, tmp_path, corpus_dir):
    batch = make_batch(tmp_path / "in", corpus_dir, ["dev-014", "dev-012"])
    run_batch(engine, batch, executor=TruthExecutor(corpus_dir))
    state = stored(engine)
    forced = TruthExecutor(corpus_dir)
    summary = run_batch(engine, batch, executor=forced, force=True)
    assert sorted(forced.ran) == ["dev-012", "dev-014"] and summary.audited == 2 and summary.skipped == 0
    assert stored(engine) == state


@pytest.mark.parametrize("change", ["recording", "rule_pack"])
def test_a_changed_recording_or_rule_pack_is_audited_again(engine, tmp_path, corpus_dir, change):
    batch = make_batch(tmp_path / "in", corpus_dir, ["dev-014", "dev-012"])
    run_batch(engine, batch, executor=TruthExecutor(corpus_dir))
    pack = None
    if change == "recording":
        shutil.copyfile(corpus_dir / "audio" / "dev-013.wav", batch / "audio" / "dev-014.wav")
        expected = ["dev-014"]
    else:
        pack = tmp_path / "stricter.yaml"
        pack.write_text("name: stricter\nextends: default\nparameters:\n  max_attempts_per_day: 5\n",
                        encoding="utf-8")
        expected = ["dev-012", "dev-014"]
    rerun = TruthExecutor(corpus_dir)
    run_batch(engine, batch, executor=rerun, pack_path=str(pack) if pack else None)
    assert sorted(rerun.ran) == expected
    no_duplicates(stored(engine))


# -- fault isolation ------------------------------------------------------------------------------


def test_bad_files_and_rows_are_reported_and_the_rest_is_audited(engine, tmp_path, corpus_dir):
    batch = make_faulty_batch(tmp_path / "in", corpus_dir)
    summary = run_batch(engine, batch, executor=TruthExecutor(corpus_dir))
    assert not summary.ok
    assert (summary.audited, summary.no_recording) == (1, 1)
    by_id = {f.call_id: f for f in summary.failures if not (f.manifest and f.call_id == "dev-014")}
    for call_id, _changes, reason in BAD_ROWS:
        assert reason in by_id[call_id].reason, (call_id, by_id[call_id])
    duplicate = [f for f in summary.failures if f.manifest and f.call_id == "dev-014"]
    assert len(duplicate) == 1 and "duplicate call_id" in duplicate[0].reason
    assert str(duplicate[0]).startswith(f"manifest line {duplicate[0].line} (dev-014): duplicate call_id")
    assert len(summary.failures) == len(BAD_ROWS) + 1

    state = stored(engine)
    assert state["contacts"]["dev-014"][0] == "audited" and state["contacts"]["dial-7950-1"][0] == "no_recording"
    for call_id in ("bad-empty", "bad-truncated", "bad-text", "bad-missing"):
        status, _sha, _pack, reason = state["contacts"][call_id]
        assert status == "failed" and reason == by_id[call_id].reason
    # rows that are no contact (bad values) are not stored as contacts, only in the run record
    assert not {"bad-date", "bad-number", "bad-layout"} & set(state["contacts"])
    run = audit_run(engine, summary.run_id)
    assert run.status == "failed" and run.failed == len(summary.failures) and run.audited == 1
    assert {(f["call_id"], f["reason"]) for f in run.failures} == {(f.call_id, f.reason) for f in summary.failures}

    # the next run retries only what failed, and finds the same problems
    rerun = TruthExecutor(corpus_dir)
    second = run_batch(engine, batch, executor=rerun)
    assert sorted(rerun.ran) == ["bad-empty", "bad-text", "bad-truncated"]
    assert second.skipped == 1 and len(second.failures) == len(summary.failures)


@pytest.mark.parametrize("cut, truncated", [(1.0, False), (0.97, False), (0.5, True), (0.2, True)])
def test_truncated_mp3_is_detected_from_its_header(tmp_path, corpus_dir, cut, truncated):
    from pipelines.audio import load_audio

    data = (corpus_dir / "audio" / "dev-002.mp3").read_bytes()
    path = tmp_path / "x.mp3"
    path.write_bytes(data[: int(len(data) * cut)])
    audio = load_audio(path)
    if truncated:
        with pytest.raises(Exception, match="truncated recording: its header says 32.4 s"):
            check_complete(path, audio.duration)
    else:
        check_complete(path, audio.duration)


@pytest.mark.parametrize("failure, text", [
    (Failure("file not found", "c1", 3), "c1: file not found"),
    (Failure("duplicate call_id", "c1", 7, manifest=True), "manifest line 7 (c1): duplicate call_id"),
    (Failure("call_id is empty", None, 9, manifest=True), "manifest line 9: call_id is empty"),
])
def test_failures_name_the_contact_or_the_manifest_line(failure, text):
    assert str(failure) == text


# -- interruption and the run record --------------------------------------------------------------


def test_sigterm_stops_cleanly_and_the_next_run_finishes_the_rest(engine, tmp_path, corpus_dir):
    batch = make_batch(tmp_path / "in", corpus_dir, ["dev-014", "dev-012", "dev-013"])
    handler = signal.getsignal(signal.SIGTERM)
    first_exec = TruthExecutor(corpus_dir, after=lambda n: os.kill(os.getpid(), signal.SIGTERM) if n == 1 else None)
    first = run_batch(engine, batch, executor=first_exec)
    assert first.interrupted and not first.ok and first.audited == 1 and len(first_exec.ran) == 1
    run = audit_run(engine, first.run_id)
    assert run.status == "interrupted" and run.ended_at is not None and run.audited == 1
    assert signal.getsignal(signal.SIGTERM) is handler  # the run's handler is gone again

    rest = TruthExecutor(corpus_dir)
    second = run_batch(engine, batch, executor=rest)
    assert sorted(rest.ran) == sorted({"dev-014", "dev-012", "dev-013"} - set(first_exec.ran))
    assert second.ok and second.skipped == 1 and second.audited == 2
    no_duplicates(stored(engine))


def test_run_record_holds_counts_pack_version_and_times(engine, tmp_path, corpus_dir):
    from audit.rules import load_pack

    batch = make_batch(tmp_path / "in", corpus_dir, ["dev-014", "dial-7950-1"])
    summary = run_batch(engine, batch, executor=TruthExecutor(corpus_dir))
    run = audit_run(engine, summary.run_id)
    assert (run.status, run.total, run.audited, run.skipped, run.failed) == ("ok", 2, 1, 0, 0)
    assert run.rule_pack_version == load_pack().version
    assert run.ended_at >= run.started_at and run.audio_seconds == pytest.approx(15.0, abs=0.1)
    assert run.options["executor"] == "local" and run.input_dir == str(batch.resolve())


def test_findings_count_includes_rules_across_contacts(engine, tmp_path, corpus_dir):
    """dev-012 is the 7th attempt on D-7950 that day: its CONTACT_FREQUENCY finding counts too."""
    attempts = [f"dial-7950-{i}" for i in range(1, 7)] + ["dev-012"]
    batch = make_batch(tmp_path / "in", corpus_dir, attempts)
    summary = run_batch(engine, batch, executor=TruthExecutor(corpus_dir))
    findings = stored(engine)["findings"]
    assert ("dev-012", "FREQ-ATTEMPT") in {(call_id, rule) for call_id, rule, *_ in findings}
    assert summary.findings == len(findings)
    assert run_batch(engine, batch, executor=TruthExecutor(corpus_dir)).findings == 0  # nothing new stored


def test_run_record_is_current_while_the_run_is_going(engine, tmp_path, corpus_dir):
    """Counters are committed with each contact, so a SIGKILLed run's record says how far it got."""
    batch = make_batch(tmp_path / "in", corpus_dir, ["dev-014", "dev-012"])
    seen = []

    def look(n):
        with open_session(engine) as session:
            run = session.exec(select(models.AuditRun).order_by(models.AuditRun.id.desc())).scalars().first()
            seen.append((run.status, run.audited))

    run_batch(engine, batch, executor=TruthExecutor(corpus_dir, after=look))
    assert seen == [("running", 1), ("running", 2)]


# -- workers and executors ------------------------------------------------------------------------


class CountingPipeline:
    def __init__(self):
        self.released = 0

    def release(self):
        self.released += 1


@pytest.mark.parametrize("low_memory, steps, releases", [
    (False, [("asr", None), ("diarization", None), ("transcript", None)], 0),
    (True, [("asr", None), ("diarization", None), ("transcript", None)], 2),  # mono: after ASR, after diarization
    (True, [("asr", 0), ("asr", 1), ("transcript", None)], 1),  # stereo: both channels share the ASR model
])
def test_low_memory_frees_each_model_after_its_stage(low_memory, steps, releases):
    worker = Worker(PipelineOptions(), None, low_memory=low_memory)
    worker._pipeline = CountingPipeline()
    for step, channel in steps:
        if low_memory:
            worker._stage_done(step, None, call_id="c1", channel=channel)
    assert worker._pipeline.released == releases


def test_a_second_pass_with_voiceprints_keeps_the_loaded_models(monkeypatch):
    # audit batch with voiceprints: stereo calls first (voiceprints {}), then the rest with the
    # profiles enrolled by then; the ASR model and the diarizer must not load a second time
    import pipelines.process as process

    loads = Counter()
    monkeypatch.setattr(process, "get_engine", lambda *a, **k: loads.update(["asr"]) or object())
    monkeypatch.setattr(process, "get_diarizer", lambda *a, **k: loads.update(["diarizer"]) or object())
    executor = LocalExecutor(1)
    first = executor._local(Worker(PipelineOptions(voiceprints={}), None), PipelineOptions(voiceprints={}))
    _ = first.pipeline.asr, first.pipeline.diarizer
    second_options = PipelineOptions(voiceprints={"V301": object()})
    second = executor._local(Worker(second_options, None), second_options)
    assert second is not first and second.options.voiceprints == second_options.voiceprints
    assert second.pipeline.asr is first.pipeline.asr and second.pipeline.diarizer is first.pipeline.diarizer
    # other models (another ASR model, another diarizer) are loaded, not shared
    third_options = PipelineOptions(asr_model="/models/large-v3", diarizer="pyannote")
    third = executor._local(Worker(third_options, None), third_options)
    _ = third.pipeline.asr, third.pipeline.diarizer
    assert third.pipeline.asr is not first.pipeline.asr and loads == {"asr": 2, "diarizer": 2}


def test_the_next_recording_is_heard_while_this_one_finishes(corpus_dir):
    # LocalExecutor (1 worker): once a recording's ASR is done, the next one is decoded and
    # heard in a background thread; the results are those of one recording after the other, and
    # a recording whose reading fails ahead is read again in its own run and reported as usual
    import threading

    from audit.manifest import read_manifest
    from pipelines.asr import AsrSegment, Word

    contacts = {c.call_id: c for c in read_manifest(corpus_dir / "manifest.csv")[0]}
    ids = ["dev-001", "dev-003", "dev-005"]
    items = [WorkItem(contacts[i], str(corpus_dir / contacts[i].audio_file)) for i in ids]
    items.insert(2, WorkItem(contacts["dev-014"], str(corpus_dir / "audio" / "gone.wav")))

    class HeardBy:  # the recogniser's boundary: says where it ran, hears the same words each time
        name = "fake"

        def __init__(self):
            self.threads = []

        def transcribe(self, mono, options):
            self.threads.append(threading.current_thread().name)
            text = "您好我是银行的请您尽快还款"
            return [AsrSegment(0.0, 4.0, text, words=[Word(0.2 + 0.2 * i, 0.4 + 0.2 * i, c)
                                                       for i, c in enumerate(text)])]

    def audit_all(executor):
        worker = Worker(PipelineOptions(acoustics=False, cpu_threads=1), None)
        local = executor._local(worker, worker.options)
        local.pipeline._asr = engine = HeardBy()
        results = {r.call_id: r for r in executor.map(worker, items)}
        return results, engine.threads

    ahead, threads = audit_all(LocalExecutor(1))
    assert threads[0] == threading.current_thread().name
    # gone.wav fails ahead and in its own run (reported as usual); it is never heard, so the
    # recording after it is heard in its own run
    assert threads[1:] == ["hear-dev-003", threading.current_thread().name]
    assert "file not found" in ahead["dev-014"].error and "gone.wav" in ahead["dev-014"].error

    class OneAtATime(LocalExecutor):
        def map(self, worker, items):
            local = self._local(worker, worker.options)
            for item in items:
                yield local.run(item)

    plain, threads = audit_all(OneAtATime(1))
    assert set(threads) == {threading.current_thread().name}
    for call_id in ids:
        assert [(s.speaker, s.role, s.start, s.end, s.text) for s in ahead[call_id].transcript.segments] == \
               [(s.speaker, s.role, s.start, s.end, s.text) for s in plain[call_id].transcript.segments]
        assert [f.rule_id for f in ahead[call_id].findings] == [f.rule_id for f in plain[call_id].findings]


def test_worker_pickles_without_its_models():
    import pickle

    worker = Worker(PipelineOptions(cpu_threads=3), "pack.yaml", low_memory=True)
    worker._pipeline = object()
    clone = pickle.loads(pickle.dumps(worker))
    assert clone._pipeline is None and clone.spec()["options"].cpu_threads == 3 and clone.low_memory


def test_executors_by_name():
    assert isinstance(get_executor("local", workers=2), LocalExecutor)
    assert isinstance(get_executor("ray", workers=2, address="auto"), RayExecutor)
    with pytest.raises(ValueError, match="unknown executor 'spark'; choose one of: local, ray"):
        get_executor("spark")


def test_plan_never_hashes_new_recordings_twice(engine, tmp_path, corpus_dir):
    """New recordings are hashed by the worker while it reads them; the stored hash is that one."""
    from pipelines.audio import file_sha256

    batch = make_batch(tmp_path / "in", corpus_dir, ["dev-014"])
    run_batch(engine, batch, executor=TruthExecutor(corpus_dir))
    assert stored(engine)["contacts"]["dev-014"][1] == file_sha256(batch / "audio" / "dev-014.wav")



def test_process_pool_returns_one_result_per_item(tmp_path):
    """The spawned pool path (--workers 2), on files that fail at decoding (no model needed)."""
    (tmp_path / "empty.wav").write_bytes(b"")
    (tmp_path / "notes.wav").write_text("不是录音" * 100, encoding="utf-8")
    cst = timezone(timedelta(hours=8))
    items = [WorkItem(Contact(call_id=f"c{i}", kind="call", started_at=datetime(2026, 11, 2, tzinfo=cst),
                              talk_seconds=10, outcome="answered", agent_id="A1", audio_file=name),
                      str(tmp_path / name)) for i, name in enumerate(["empty.wav", "notes.wav", "empty.wav"])]
    results = list(LocalExecutor(workers=2).map(Worker(PipelineOptions(), None), items))
    assert sorted(r.call_id for r in results) == ["c0", "c1", "c2"]
    reasons = {r.call_id: r.error for r in results}
    assert "empty file" in reasons["c0"] and "cannot decode" in reasons["c1"] and "empty file" in reasons["c2"]


# -- files outside the input folder (security issue, critical item) --------------------------------

_OPENED: list[str] = []
_HOOKED = False


def _watch_opens() -> list[str]:
    """Every path Python opens from now on (an audit hook cannot be removed: install it once)."""
    global _HOOKED
    if not _HOOKED:
        import sys

        def hook(event, args):
            if event == "open" and args and isinstance(args[0], (str, bytes, os.PathLike)):
                _OPENED.append(os.fsdecode(args[0]))

        sys.addaudithook(hook)
        _HOOKED = True
    _OPENED.clear()
    return _OPENED


def test_files_outside_the_input_folder_are_never_opened_or_stored(engine, tmp_path, corpus_dir):
    secret = tmp_path / "elsewhere" / "users.toml"
    secret.parent.mkdir()
    secret.write_bytes(b"[users.boss]\npassword = 'scrypt$PLANTED-SECRET-BYTES'\n")
    batch = make_batch(tmp_path / "in", corpus_dir, GOOD)
    (batch / "audio" / "link.wav").symlink_to(secret)
    rows = corpus_rows(corpus_dir)
    hostile = {"abs": str(secret), "dots": "../elsewhere/users.toml", "deep": "audio/../../elsewhere/users.toml",
               "link": "audio/link.wav"}
    write_manifest(batch, [rows[c] for c in GOOD]
                   + [dict(rows["dev-014"], call_id=f"evil-{k}", audio_file=v) for k, v in hostile.items()])
    opened = _watch_opens()
    summary = run_batch(engine, batch, executor=TruthExecutor(corpus_dir))
    assert str(secret) not in opened and not any(p.endswith("users.toml") for p in opened)
    assert summary.audited == 1 and summary.no_recording == 1
    reasons = {f.call_id: f.reason for f in summary.failures}
    assert "absolute path" in reasons["evil-abs"] and "'..'" in reasons["evil-dots"]
    assert "'..'" in reasons["evil-deep"] and "outside the input folder" in reasons["evil-link"]
    state = stored(engine)
    assert "evil-link" in state["contacts"] and state["contacts"]["evil-link"][0] == "failed"
    with open_session(engine) as session:
        paths = [c.audio_path for c in session.exec(select(models.Contact)).scalars()]
    assert not any(p and ("elsewhere" in p or p.endswith("link.wav")) for p in paths)
