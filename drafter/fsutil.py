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


def write_atomic(path: Path, text: str, *, overwrite: bool = True) -> None:
    """Write ``text`` to ``path`` via a temporary file and a rename.

    A reader (or a crash) sees the old file or the new one, never a mix. With
    ``overwrite=False`` an existing file is an error and is left untouched.
    """
    if not overwrite and path.exists():
        raise OutputExistsError(str(path))
    if path.is_dir():
        raise InputError(str(path), "is a directory; give a file name to write to")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise InputError(str(path), f"cannot write: {exc.strerror or exc}") from None
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
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
