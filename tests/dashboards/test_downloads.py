"""Dashboard downloads are the CLI's files: scorecards via audit.exports, evidence via audit.evidence."""

from __future__ import annotations

import argparse
import csv
import io
from datetime import UTC, date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from audit.cli.exports import add_parser
from audit.evidence import EvidenceError, verify_pack
from audit.read.scope import Scope
from dashboards import data
from tests.dashboards.conftest import APP

NOV = (date(2026, 11, 1), date(2026, 11, 30))


def cli_scorecards(url: str, out, *extra: str) -> bytes:
    parser = argparse.ArgumentParser(prog="audit")
    add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["scorecards", "--db", url, "--from", str(NOV[0]), "--to", str(NOV[1]),
                              "--format", "csv", "--out", str(out), *extra])
    assert args.func(args) == 0
    return out.read_bytes()


def agents_in(csv_bytes: bytes) -> set[tuple[str, str]]:
    return {(r["工号"], r["组别"]) for r in csv.DictReader(io.StringIO(csv_bytes.decode("utf-8-sig")))}


def test_scorecard_download_is_the_cli_file(dashboard_env, tmp_path):
    """Byte for byte the same CSV as `audit scorecards`, for everyone and for one team."""
    url = dashboard_env["url"]
    assert data.scorecard_export(url, Scope(), *NOV, "csv") == cli_scorecards(url, tmp_path / "all.csv")
    team = data.scorecard_export(url, Scope(team="一组"), *NOV, "csv")
    assert team == cli_scorecards(url, tmp_path / "team.csv", "--team", "一组")
    assert {t for _, t in agents_in(team)} == {"一组"}
    narrowed = data.scorecard_export(url, Scope(), *NOV, "csv", team="一组")
    assert narrowed == team
    # A team lead cannot widen their file to another team.
    assert data.scorecard_export(url, Scope(team="一组"), *NOV, "csv", team="网贷二组") == team


def test_agent_downloads_only_their_own_card(dashboard_env):
    url = dashboard_env["url"]
    assert agents_in(data.scorecard_export(url, Scope(agent_id="B203"), *NOV, "csv")) == {("B203", "网贷二组")}
    assert data.scorecard_export(url, Scope(agent_id="B203"), *NOV, "pdf").startswith(b"%PDF")
    assert data.scorecard_export(url, Scope(agent_id="B203"), *NOV, "xlsx").startswith(b"PK")


def record_audit(url: str, call_id: str) -> None:
    """Give a seeded contact what the batch stores with an audit: its run's input folder and the
    recording's SHA-256, without which an evidence pack refuses to pack the recording."""
    from audit import models
    from audit.paths import file_sha256
    from audit.storage import make_engine, session

    engine = make_engine(url)
    with session(engine) as s:
        contact = s.get(models.Contact, call_id)
        run = models.AuditRun(input_dir=str(Path(contact.audio_path).parent), rule_pack_version="cn-default-test",
                              status="ok")
        s.add(run)
        s.flush()
        contact.run_id, contact.audio_sha256 = run.id, file_sha256(contact.audio_path)
        s.add(contact)
        s.commit()
    engine.dispose()


def test_evidence_download_is_a_verifiable_pack(dashboard_env, tmp_path):
    url = dashboard_env["url"]
    record_audit(url, "t-002")
    pack = tmp_path / "t-002.zip"
    pack.write_bytes(data.evidence_pack(url, Scope(), "t-002"))
    assert verify_pack(pack) == []
    with pytest.raises(EvidenceError, match="not visible"):
        data.evidence_pack(url, Scope(agent_id="A017"), "t-002")  # another agent's call


def test_evidence_download_decodes_with_the_decoder_the_server_hands_in(dashboard_env, monkeypatch):
    """dashboards/server.py, the process's composition root, wires pipelines.audio.load_audio into the
    downloads; without it, a pack with clips to cut says a decoder is needed (audit decodes nothing)."""
    import importlib.util

    from streamlit.runtime.pages_manager import PagesManager

    from dashboards import wiring
    from pipelines.audio import load_audio

    url = dashboard_env["url"]
    record_audit(url, "t-002")
    monkeypatch.setattr(wiring, "_decoder", None)
    with pytest.raises(EvidenceError, match="needs an audio decoder"):
        data.evidence_pack(url, Scope(), "t-002")
    # the server as uvicorn loads it (by file), leaving Streamlit's page convention as it was
    monkeypatch.setattr(PagesManager, "uses_pages_directory", PagesManager.uses_pages_directory)
    spec = importlib.util.spec_from_file_location("server", Path(data.__file__).with_name("server.py"))
    spec.loader.exec_module(importlib.util.module_from_spec(spec))
    assert wiring.decoder() is load_audio


def test_evidence_download_of_a_traversal_call_id_stays_in_its_temp_folder(dashboard_env, tmp_path, monkeypatch):
    """A stored call_id like "../../x" is data, not a path: the pack is built inside the download's
    own temp folder, nothing is left anywhere else, and the pack is still that contact's."""
    import json
    import tempfile
    import zipfile
    from datetime import datetime

    from audit import models
    from audit.storage import make_engine, session

    url = dashboard_env["url"]
    engine = make_engine(url)
    with session(engine) as s:
        s.add(models.Contact(call_id="../../x", kind="call", started_at=datetime(2026, 11, 2, tzinfo=UTC),
                             agent_id="A017", team="一组", status="no_recording"))
        s.commit()
    engine.dispose()
    temp_root = tmp_path / "t" / "u"  # "../../x.zip" from a temp folder in here lands in tmp_path/t
    temp_root.mkdir(parents=True)
    monkeypatch.setattr(tempfile, "tempdir", str(temp_root))
    pack = tmp_path / "download.zip"
    pack.write_bytes(data.evidence_pack(url, Scope(), "../../x"))
    assert [p for p in (tmp_path / "t").rglob("*") if p != temp_root] == []  # the temp folder is gone, nothing else
    assert verify_pack(pack) == []
    with zipfile.ZipFile(pack) as zf:
        assert json.loads(zf.read("MANIFEST.json"))["call_id"] == "../../x"


def download_labels(at: AppTest) -> list[str]:
    return [e.proto.label for e in at.get("download_button")]


@pytest.mark.parametrize("username, page, call_id, expected", [
    ("boss", "agents", None, ["下载 CSV", "下载 XLSX", "下载 PDF"]),  # the default language: Chinese
    ("zhao", "agents", None, ["下载 CSV", "下载 XLSX", "下载 PDF"]),
    ("boss", "call_detail", "t-002", ["下载证据包"]),  # admin: sees personal data
    ("wang", "call_detail", "t-002", []),  # supervisor without see_pii: the pack is unmasked
    ("zhao", "call_detail", "t-002", []),
])
def test_download_buttons(dashboard_env, username, page, call_id, expected):
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.session_state["user"] = dashboard_env["users"][username]
    if call_id:
        at.query_params["call_id"] = call_id
    at.run()
    at.switch_page(f"pages/{page}.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert download_labels(at) == expected


FORMULA_NAMES = {"A017": '=HYPERLINK("http://x","y")', "B203": "-2+3", "A021": "@SUM(A1)", "V301": "+1"}


def _rename_agents(url: str, names: dict[str, str]) -> None:
    import sqlalchemy as sa

    from audit import models
    from audit.storage import make_engine

    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            for agent_id, name in names.items():
                conn.execute(sa.update(models.Agent).where(models.Agent.agent_id == agent_id).values(name=name))
    finally:
        engine.dispose()


def test_downloads_and_tables_keep_formulas_as_text(dashboard_env):
    """Agent names that are formulas stay text in the download buttons' files and in st.dataframe
    (whose own toolbar CSV download and clipboard copy do no escaping)."""
    from openpyxl import load_workbook

    url = dashboard_env["url"]
    _rename_agents(url, FORMULA_NAMES)
    expected = {agent_id: "'" + name for agent_id, name in FORMULA_NAMES.items()}

    rows = csv.DictReader(io.StringIO(data.scorecard_export(url, Scope(), *NOV, "csv").decode("utf-8-sig")))
    assert {r["工号"]: r["姓名"] for r in rows} == expected
    ws = load_workbook(io.BytesIO(data.scorecard_export(url, Scope(), *NOV, "xlsx"))).worksheets[0]
    header = [c.value for c in ws[1]]
    names = {}
    for row in ws.iter_rows(min_row=2):
        cell = row[header.index("姓名")]
        assert cell.data_type == "s"
        names[row[header.index("工号")].value] = cell.value
    assert names == expected

    at = AppTest.from_file(str(APP), default_timeout=30)
    at.session_state["user"] = dashboard_env["users"]["boss"]
    at.run()
    at.switch_page("pages/agents.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    scorecards = at.dataframe[0].value
    assert dict(zip(scorecards["agent"], scorecards["name"])) == expected
    assert all(isinstance(v, (int, float)) or v is None for v in scorecards["avg score"])  # numbers stay numbers
