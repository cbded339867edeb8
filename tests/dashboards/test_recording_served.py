"""The audio player serves only the checked recording of a contact in the user's scope.

Security issue, critical item: a stored ``audio_path`` pointing outside the audit run's input
folder (from a hostile manifest or an edited database) made the player serve any file the
server could read, to anyone holding the media URL. The page now reads the bytes itself through
:func:`audit.read.contacts.contact_recording`, which refuses such paths and changed files.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from audit import models
from audit.paths import UnsafePath
from audit.read.contacts import contact_recording
from audit.read.scope import Scope
from audit.storage import make_engine
from tests.dashboards.test_pages import app, render

pytestmark = pytest.mark.usefixtures("english")  # these tests read the English texts

SECRET = b"root:x:0:0:SECRET-PLANTED-BYTES:/root:/bin/bash\n"


def _point(url: str, call_id: str, path) -> None:
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.update(models.Contact.__table__).where(models.Contact.__table__.c.call_id == call_id)
                     .values(audio_path=str(path)))
    engine.dispose()


def _audio_bytes(at) -> list:
    return [a.proto for a in at.get("audio")]


def test_the_checked_recording_is_played(dashboard_env):
    at = app(dashboard_env, "wang", call_id="t-002")
    at.run()
    render(at, "call_detail")
    (audio,) = _audio_bytes(at)
    assert "/media/" in audio.url and str(dashboard_env["users_file"].parent) not in audio.url


@pytest.mark.parametrize("where", ["outside", "symlink"])
def test_a_stored_path_outside_the_input_folder_is_never_served(dashboard_env, tmp_path_factory, where):
    secret = tmp_path_factory.mktemp("elsewhere") / "passwd"
    secret.write_bytes(SECRET)
    target = secret
    if where == "symlink":  # a link inside the input folder that leads out of it
        from pathlib import Path

        folder = Path(dashboard_env["users_file"]).parent
        target = folder / "innocent.wav"
        target.symlink_to(secret)
    _point(dashboard_env["url"], "t-002", target)
    with pytest.raises(UnsafePath):
        contact_recording(make_engine(dashboard_env["url"]), Scope(), "t-002")
    at = app(dashboard_env, "wang", call_id="t-002")
    at.run()
    render(at, "call_detail")
    assert _audio_bytes(at) == []
    assert any("cannot be played" in w.value for w in at.warning)


def test_a_changed_recording_is_not_served(dashboard_env, tmp_path):
    (tmp_path / "t-002.wav").write_bytes(SECRET)  # same path, other bytes than were audited
    with pytest.raises(UnsafePath, match="not the file that was audited"):
        contact_recording(make_engine(dashboard_env["url"]), Scope(), "t-002")


def test_out_of_scope_contacts_have_no_recording(dashboard_env):
    engine = make_engine(dashboard_env["url"])
    assert contact_recording(engine, Scope(agent_id="A017"), "t-002") is None  # t-002 is B203's
    assert contact_recording(engine, Scope(), "t-002") is not None
