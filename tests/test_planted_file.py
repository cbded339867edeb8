"""Acceptance of the security issue: a file outside the input folder is never opened or given out.

A secret is planted next to the input folder and reached by every trick a manifest or an edited
database can play (absolute path, ``..``, a symlink inside the folder, a stored path changed
after the audit). Then everything that reads or hands out files runs: the batch, every export
(findings, transcripts, scorecards in each format, evidence packs) and the dashboard in a real
browser, signed in as an admin who sees everything. The secret's bytes must appear nowhere:
not in the database, not in any file written, not in any HTTP response the browser received.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
import sqlalchemy as sa

from audit import models
from audit.auth import add_user
from audit.cli import main as audit_main
from audit.storage import init_db, make_engine
from pipelines.batch import run_batch
from tests.dashboards.test_browser import CHROMIUM_ARGS, start_server
from tests.pipelines.test_batch import GOOD, TruthExecutor, corpus_rows, make_batch, write_manifest

MARK = b"PLANTED-SECRET-7f3a9c"
SECRET = b"root:x:0:0:" + MARK + b":/root:/bin/bash\n"


def _files_under(root: Path):
    for path in root.rglob("*"):
        if path.is_file() and not path.is_symlink():
            yield path


@pytest.fixture
def planted(tmp_path, corpus_dir):
    secret = tmp_path / "elsewhere" / "passwd"
    secret.parent.mkdir()
    secret.write_bytes(SECRET)
    batch = make_batch(tmp_path / "in", corpus_dir, GOOD)
    (batch / "audio" / "innocent.wav").symlink_to(secret)
    rows = corpus_rows(corpus_dir)
    hostile = {"abs": str(secret), "dots": "../elsewhere/passwd", "link": "audio/innocent.wav"}
    write_manifest(batch, [rows[c] for c in GOOD]
                   + [dict(rows["dev-014"], call_id=f"evil-{k}", audio_file=v) for k, v in hostile.items()])
    db = tmp_path / "audit.db"
    url = f"sqlite:///{db}"
    engine = make_engine(url)
    init_db(engine)
    summary = run_batch(engine, batch, executor=TruthExecutor(corpus_dir))
    assert summary.audited == 1
    # a second audited contact whose stored path is then changed to point at the secret
    with engine.begin() as conn:
        row = conn.execute(sa.select(models.Contact.__table__).where(
            models.Contact.__table__.c.call_id == "dev-014")).mappings().one()
        copy = dict(row, call_id="evil-edited", audio_path=str(secret))
        conn.execute(sa.insert(models.Contact.__table__).values(**copy))
    engine.dispose()
    return {"secret": secret, "db": db, "url": url, "out": tmp_path / "out", "tmp": tmp_path}


def _run_exports(env) -> None:
    out = env["out"]
    out.mkdir()
    db = ["--db", env["url"]]
    for fmt in ("json", "text"):
        with open(out / f"findings.{fmt}", "w") as fh, contextlib.redirect_stdout(fh):
            audit_main(["findings", *db, "--format", fmt])
    with open(out / "transcripts.jsonl", "w") as fh, contextlib.redirect_stdout(fh):
        audit_main(["transcripts", *db])
    for fmt in ("csv", "xlsx", "pdf"):
        audit_main(["scorecards", *db, "--period", "2026-11", "--format", fmt, "--out", str(out / f"cards.{fmt}")])
    for call_id in ("dev-014", "evil-edited", "evil-abs", "evil-dots", "evil-link"):
        code = None
        try:
            code = audit_main(["evidence", "export", call_id, *db, "--out", str(out / f"{call_id}.zip")])
        except SystemExit as exc:
            code = exc.code
        if call_id == "dev-014":
            assert code in (0, None)
        elif call_id == "evil-edited":  # audited, but its stored path now leads elsewhere
            assert code not in (0, None), "evidence export of a changed stored path must refuse"


def _browse(env, chromium: str) -> list[bytes]:
    from playwright.sync_api import expect, sync_playwright

    users = env["tmp"] / "users.toml"
    add_user(users, "boss", "boss-pw", role="admin", name="管理员")
    bodies: list[bytes] = []
    # In English: this test reads the English labels.
    server = contextlib.contextmanager(start_server)(
        {"AUDIT_DB_URL": env["url"], "AUDIT_USERS_FILE": str(users)}, env["tmp"], lang="en")
    with server as base:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.set_default_timeout(30_000)

            def keep(response):
                try:
                    bodies.append(response.body())
                except Exception:  # noqa: BLE001 - redirects and aborted requests have no body
                    pass

            page.on("response", keep)
            page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: bodies.append(
                payload if isinstance(payload, bytes) else payload.encode("utf-8", "replace"))))
            try:
                page.goto(base)
                page.get_by_label("Username").fill("boss")
                page.get_by_label("Password", exact=True).fill("boss-pw")
                page.get_by_role("button", name="Sign in").click()
                expect(page.get_by_role("heading", name="Overview")).to_be_visible()
                page.get_by_role("link", name="Call detail").click()
                expect(page.get_by_role("heading", name="Call detail")).to_be_visible()
                for call_id in ("dev-014", "evil-edited", "evil-link"):  # the others are no contact
                    page.get_by_role("combobox").first.click()
                    page.keyboard.type(call_id)
                    page.keyboard.press("Enter")
                    page.wait_for_url(f"**call_id={call_id}*")
                    expect(page.get_by_text("Transcript").first).to_be_visible()
                    page.wait_for_timeout(1500)
                    for src in page.eval_on_selector_all("audio", "els => els.map(e => e.src)"):
                        bodies.append(page.request.get(src).body())
                # every media URL the server holds, asked for without the session too
                assert page.locator('[data-testid="stException"]').count() == 0
            finally:
                browser.close()
    return bodies


def test_a_planted_file_appears_nowhere(chromium, planted):
    _run_exports(planted)
    bodies = _browse(planted, chromium)
    assert bodies, "the browser received nothing"
    assert any(len(b) > 10_000 for b in bodies), "dev-014's recording should have been served"
    leaks = [str(p) for p in _files_under(planted["out"]) if MARK in p.read_bytes()]
    assert not leaks, leaks
    assert MARK not in planted["db"].read_bytes()
    assert not [b[:80] for b in bodies if MARK in b]
