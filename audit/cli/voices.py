"""``audit voices``: collector voiceprints (enroll from recordings, list, remove).

A voiceprint is biometric, sensitive personal information: enrolling and removing need an
admin of the users file (``--admin NAME``, password asked or read with ``--password-stdin``).
``remove`` erases the voiceprint row. ``list`` shows what each profile was built from, never
the embeddings. The profile logic is :mod:`audit.voiceprints`, the audio side
:mod:`pipelines.voices`.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from audit.cli.common import DB_HELP, init_engine
from audit.settings import DEFAULT_USERS_FILE


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Register ``audit voices enroll|list|remove`` on the CLI's subparsers."""
    parser = subparsers.add_parser("voices", help="collector voiceprints: enroll, list, remove (admins)")
    sub = parser.add_subparsers(dest="voices_command", required=True)
    enroll = sub.add_parser("enroll", help="add recordings of one collector's voice to their voiceprint")
    enroll.add_argument("agent_id")
    enroll.add_argument("audio", nargs="+", help="recordings holding only this collector's voice "
                                                 "(a stereo file: its left channel)")
    lst = sub.add_parser("list", help="the stored voiceprints: seconds of speech, calls, when built")
    remove = sub.add_parser("remove", help="erase a collector's voiceprint")
    remove.add_argument("agent_id")
    for p in (enroll, lst, remove):
        p.add_argument("--db", help=DB_HELP)
    for p in (enroll, remove):
        p.add_argument("--admin", required=True, metavar="USERNAME", help="an admin of the users file")
        p.add_argument("--users", help=f"users file (default: $AUDIT_USERS_FILE or {DEFAULT_USERS_FILE})")
        p.add_argument("--password-stdin", action="store_true", help="read the admin's password from stdin")
    parser.set_defaults(func=run)
    return parser


def _admin(args: argparse.Namespace) -> str | None:
    """The admin's name when the password is right and the role is admin, else None (reported)."""
    from audit.auth import AuthConfigError, authenticate, load_users
    from audit.throttle import Throttled

    password = (sys.stdin.readline().rstrip("\n") if args.password_stdin
                else getpass.getpass(f"password for {args.admin}: "))
    try:
        user = authenticate(load_users(args.users), args.admin, password)
    except (AuthConfigError, Throttled) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return None
    if user is None or user.role != "admin":
        print("error: voiceprints are biometric data: only an admin may enroll or remove them "
              "(wrong password or not an admin)", file=sys.stderr)
        return None
    return user.username


def run(args: argparse.Namespace) -> int:
    """Execute ``audit voices ...``; returns the exit status."""
    from audit import voiceprints
    from audit.storage import session as open_session

    if args.voices_command == "list":
        with open_session(init_engine(args.db)) as session:
            rows = voiceprints.summaries(session)
        if not rows:
            print("no voiceprints")
        for r in rows:
            print(f"{r['agent_id']}\t{r['speech_s']:.0f} s\t{r['n_calls']} stretch(es)\t"
                  f"{r['rejected']} rejected\t{'ready' if r['ready'] else 'too little speech'}\t"
                  f"built {r['built_at']:%Y-%m-%d %H:%M}\tupdated {r['updated_at']:%Y-%m-%d %H:%M}")
        return 0
    admin = _admin(args)
    if admin is None:
        return 3
    engine = init_engine(args.db)
    if args.voices_command == "remove":
        with open_session(engine) as session:
            removed = voiceprints.remove(session, args.agent_id)
            session.commit()
        print(f"voiceprint of {args.agent_id} erased by {admin}" if removed else f"no voiceprint for {args.agent_id}")
        return 0 if removed else 1
    from pathlib import Path

    from pipelines.audio import AudioError, load_audio
    from pipelines.voices import OUTLIERS, enrollment_chunks

    chunks = []
    for path in args.audio:
        try:
            audio = load_audio(path)
        except AudioError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        found = enrollment_chunks(audio.channel(0), Path(path).name)
        if not found:
            print(f"{path}: less than {voiceprints.MIN_CHUNK_S:.0f} s of speech; not enrolled", file=sys.stderr)
        chunks += found
    with open_session(engine) as session:
        profile = voiceprints.enroll(session, args.agent_id, chunks, **OUTLIERS)
        session.commit()
    rejected = sum(1 for c in profile.chunks if not c.kept)
    print(f"voiceprint of {args.agent_id}: {profile.speech_s:.0f} s of speech from {len(profile.kept)} stretch(es)"
          f"{f', {rejected} rejected as another voice' if rejected else ''}"
          f"{'' if profile.ready else f' (needs {voiceprints.READY_SPEECH_S:.0f} s to identify)'}; by {admin}")
    return 0 if chunks else 1
