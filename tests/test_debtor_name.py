"""The debtor's name from the log (manifest ``debtor_name``): stored in its own column (migration
0010), read back, and masked where the product masks the debtor's number."""

from __future__ import annotations

import json
import zipfile
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from audit import models
from audit.masking import mask_name, surname_of
from audit.schema import Contact, Segment, Transcript
from audit.storage import session
from audit.store import contact_from_row, save_audit

CST = timezone(timedelta(hours=8))


def contact(call_id: str, debtor_name: str = "") -> Contact:
    return Contact(call_id=call_id, kind="call", started_at=datetime(2026, 11, 4, 10, 0, tzinfo=CST),
                   talk_seconds=20, outcome="answered", agent_id="A019", agent_name="宋佳怡", debtor_name=debtor_name)


@pytest.mark.parametrize("name, masked", [
    ("陈明", "陈*"), ("邵志斌", "邵**"), ("欧阳娜娜", "欧阳**"), ("司马军", "司马*"), ("Li Na", "L* **"),
    ("阿卜杜·热合曼", "阿**·***"), ("", ""), (None, ""),
])
def test_a_name_is_masked_to_its_surname(name, masked):
    assert mask_name(name) == masked


def test_surname_of_a_compound_surname():
    assert (surname_of("欧阳丽"), surname_of("陈明"), surname_of("欧阳")) == ("欧阳", "陈", "欧")


def test_the_debtor_name_is_a_column_and_comes_back(engine):
    with session(engine) as s:
        for c in (contact("c1", "邵志斌"), contact("c2")):
            save_audit(s, c, Transcript(c.call_id, 20.0, [Segment("agent", "agent", 0, 2, "您好")]), [],
                       rule_pack_version="v1", audio_path=None, audio_sha256=None, run_id=None)
        s.commit()
    with session(engine) as s:
        one, two = s.get(models.Contact, "c1"), s.get(models.Contact, "c2")
        assert (one.debtor_name, two.debtor_name) == ("邵志斌", None)
        assert "debtor_name" not in (one.meta or {})  # one copy of the personal datum
        assert (contact_from_row(one).debtor_name, contact_from_row(two).debtor_name) == ("邵志斌", "")


def test_migration_0010_moves_the_name_out_of_meta_and_back(engine):
    from alembic import command

    from audit.storage import alembic_config, init_db

    command.downgrade(alembic_config(engine), "0009")
    assert "debtor_name" not in {c["name"] for c in sa.inspect(engine).get_columns("contact")}
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO agent (agent_id, name, team, agency) VALUES ('A1', '', '', '')"))
        for call_id, meta in (("old", {"line": 2, "debtor_name": "闫志鹏"}), ("none", {"line": 3, "debtor_name": ""}),
                              ("bare", {"line": 4})):
            conn.execute(sa.text(
                "INSERT INTO contact (call_id, kind, started_at, talk_seconds, outcome, agent_id, debtor_id, team, "
                "agency, creditor, product, contact_role, status, finding_count, meta) VALUES (:id, 'call', "
                "'2026-11-01 02:00:00', 10, 'answered', 'A1', '', '', '', '', '', 'debtor', 'audited', 0, :meta)"),
                {"id": call_id, "meta": json.dumps(meta, ensure_ascii=False)})
    init_db(engine)
    with session(engine) as s:
        rows = {c: s.get(models.Contact, c) for c in ("old", "none", "bare")}
        assert {c: r.debtor_name for c, r in rows.items()} == {"old": "闫志鹏", "none": None, "bare": None}
        assert all("debtor_name" not in r.meta and r.meta["line"] for r in rows.values())
    command.downgrade(alembic_config(engine), "0009")
    with engine.connect() as conn:
        metas = dict(conn.execute(sa.text("SELECT call_id, meta FROM contact")).all())
    meta = metas["old"] if isinstance(metas["old"], dict) else json.loads(metas["old"])
    assert meta == {"line": 2, "debtor_name": "闫志鹏"}
    init_db(engine)


def test_a_redacted_pack_shows_the_debtors_surname_only(engine, tmp_path):
    from audit.evidence import export_pack
    from pipelines.audio import load_audio
    from tests.test_evidence import add_contact

    add_contact(engine, tmp_path)
    with session(engine) as s:
        row = s.get(models.Contact, "e-001")
        row.debtor_name = "邵志斌"
        s.commit()
    for redact, shown in ((False, "邵志斌"), (True, "邵**")):
        out = tmp_path / f"pack-{redact}.zip"
        export_pack(engine, "e-001", out, redact=redact, decoder=load_audio)
        with zipfile.ZipFile(out) as z:
            everything = b"".join(z.read(n) for n in z.namelist() if not n.endswith(".wav"))
            assert json.loads(z.read("contact.json"))["contact"]["debtor_name"] == shown
        assert (b"\xe5\xbf\x97\xe6\x96\x8c" in everything) == (not redact)  # 志斌 nowhere in a redacted pack
