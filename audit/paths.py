"""The one place where file paths from outside (manifest rows, stored records) are checked.

A manifest is written by a dialer export or by a person, so its ``audio_file`` column is
untrusted input: an absolute path, a ``..`` step or a symlink that leads out of the input folder
would make the batch read, store, serve and pack any file the server can read (``/etc/passwd``,
the users file, the database). Three checks close that, each where a path enters or leaves:

* :func:`check_relative` — the manifest value itself: relative, no ``..``, no NUL, no drive.
* :func:`resolve_inside` — the file on disk: after following every symlink it is still a
  regular file inside the input folder (the batch stores only such resolved paths).
* :func:`stored_recording` — before a stored recording is served or packed: the stored path is
  still inside the folder its audit run read, and the bytes are the ones that were audited
  (same SHA-256), so a database row edited or restored from elsewhere cannot point at another file.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path, PurePosixPath, PureWindowsPath

# Longest audio_file value accepted (a path, not a payload).
MAX_PATH_CHARS = 1024
_DRIVE = re.compile(r"^[A-Za-z]:")


class UnsafePath(ValueError):
    """A path that would leave its folder, or cannot be a file name; the message says the fix."""


class RecordingChanged(UnsafePath):
    """The stored recording's bytes are not the ones that were audited."""


def check_relative(value: str, column: str = "audio_file") -> str:
    """Validate a manifest path: relative to the input folder, inside it, a plain name.

    Returns the value with backslashes turned into ``/`` (Windows dialer exports write them).

    Raises:
        UnsafePath: absolute, a drive letter, a ``..`` step, a NUL or control character, or
            longer than :data:`MAX_PATH_CHARS`.
    """
    if len(value) > MAX_PATH_CHARS:
        raise UnsafePath(f"{column} is {len(value)} characters long; a path has at most {MAX_PATH_CHARS}")
    if any(ord(ch) < 32 or ch == "\x7f" for ch in value):
        raise UnsafePath(f"{column} {value[:80]!r} contains a control character (NUL, newline, …); "
                         "write the file name only")
    posix = value.replace("\\", "/")
    if posix.startswith("/") or _DRIVE.match(value) or PureWindowsPath(value).anchor:
        raise UnsafePath(f"{column} {value!r} is an absolute path; write it relative to the input folder "
                         "(the folder that holds manifest.csv), e.g. audio/call-001.wav")
    if ".." in PurePosixPath(posix).parts:
        raise UnsafePath(f"{column} {value!r} steps out of the input folder with '..'; put the recording "
                         "inside the folder that holds manifest.csv and name it relative to that folder")
    return posix


def is_inside(path: Path, root: Path) -> bool:
    """Whether ``path`` is ``root`` or below it (both already resolved)."""
    try:
        path.relative_to(root)
    except ValueError:
        return False
    return True


def resolve_inside(root: str | Path, relative: str) -> Path:
    """The real file behind ``root/relative``, refused unless it stays inside ``root``.

    Symlinks are followed first, so a link inside the folder that points outside it is refused
    like a ``..`` path; a link to another file inside the folder is fine.

    Raises:
        UnsafePath: the value itself is unsafe (see :func:`check_relative`) or the resolved
            file is outside ``root``.
        FileNotFoundError: nothing (or no regular file) is there.
    """
    relative = check_relative(relative)
    base = Path(root).resolve()
    path = (base / relative).resolve()
    if not is_inside(path, base):
        raise UnsafePath(f"{relative} leads outside the input folder {base} (a symbolic link?); copy the "
                         "recording into the input folder instead of linking to it")
    if not path.is_file():
        raise FileNotFoundError(f"{relative}: file not found in {base}; upload the recording or fix "
                                "audio_file in the manifest")
    return path


def file_sha256(path: str | Path, chunk: int = 1 << 20) -> str:
    """SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def stored_recording(audio_path: str | None, input_dir: str | None, sha256: str | None) -> Path:
    """The recording of a stored audit, checked before anyone is given its bytes.

    Args:
        audio_path: the contact's stored ``audio_path`` (absolute, resolved by the batch).
        input_dir: the input folder of the audit run that stored it.
        sha256: the SHA-256 recorded when the recording was audited.

    Raises:
        UnsafePath: no recording is recorded, the path is outside the run's input folder, or
            the file's bytes are not the audited ones.
        FileNotFoundError: the recording is no longer on this machine.
    """
    if not audio_path or not input_dir or not sha256:
        raise UnsafePath("no audited recording is recorded for this contact")
    base = Path(input_dir).resolve()
    path = Path(audio_path)
    if not path.is_absolute():
        path = base / path
    path = path.resolve()
    if not is_inside(path, base):
        raise UnsafePath(f"the stored recording path {audio_path!r} is outside the audit run's input folder "
                         f"{base}; re-audit the contact from its input folder")
    if not path.is_file():
        raise FileNotFoundError(f"recording {path} not found on this machine")
    if file_sha256(path) != sha256:
        raise RecordingChanged(f"recording {path} is not the file that was audited (SHA-256 differs); "
                               "restore the original recording from the archive")
    return path
