"""Writing files so that nothing is ever half-written or silently replaced."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from drafter.errors import InputError, OutputExistsError


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


NAME_MAX = 255  # bytes in one path component, on every common file system


def usable_path(path: Path) -> str:
    """``str(path)``, or ``InputError`` for a path no file system accepts (a NUL byte, a name
    longer than NAME_MAX bytes): one clear line instead of an OSError or ValueError."""
    shown = str(path)
    if "\0" in shown:
        raise InputError(shown.replace("\0", "\\0"), "the path contains a NUL byte")
    for part in path.parts:
        if len(os.fsencode(part)) > NAME_MAX:
            raise InputError(shown, f"a file name in this path is longer than {NAME_MAX} bytes")
    return shown


def write_atomic(path: Path, text: str, *, overwrite: bool = True) -> None:
    """Write ``text`` to ``path`` via a temporary file and a rename.

    A reader (or a crash, a full disk, Ctrl-C) sees the old file or the new one, never a
    mix, and no temporary file is left. With ``overwrite=False`` an existing file is an
    error and is left untouched. Any ``OSError`` is an ``InputError`` naming ``path``.
    """
    shown = usable_path(path)
    if not overwrite and path.exists():
        raise OutputExistsError(shown)
    if path.is_dir():
        raise InputError(shown, "is a directory; give a file name to write to")
    if path.exists() and not path.is_file():
        # Renaming over /dev/null or a FIFO would replace the device node itself.
        raise InputError(shown, "is not a regular file (a device or FIFO); write to a file")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise InputError(shown, f"cannot write: {exc.strerror or exc}") from None
    try:
        # mkstemp makes the file private (0600); give it the mode a plain open() would
        # (or the mode of the file it replaces), so a draft stays readable by the editor.
        Path(tmp).chmod(path.stat().st_mode & 0o7777 if path.exists() else 0o666 & ~_umask())
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        if not overwrite and path.exists():
            raise OutputExistsError(str(path))
        Path(tmp).replace(path)
    except OSError as exc:  # ENOSPC, EDQUOT, EIO, …
        Path(tmp).unlink(missing_ok=True)
        raise InputError(shown, f"cannot write: {exc.strerror or exc}") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
