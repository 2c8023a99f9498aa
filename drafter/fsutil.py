"""Writing files so that nothing is ever half-written or silently replaced.

Every output path is checked against the command's inputs (``refuse_input``); an existing
file is replaced only when the user asked for it, and then kept as ``name.vN.ext`` first
(``write_version_kept``); every write goes through a temporary file and a rename."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from drafter.errors import InputError, OutputExistsError, UsageError


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


def _refuse_special(path: Path) -> None:
    if path.exists() and not path.is_file() and not path.is_dir():
        # Renaming over /dev/null or a FIFO would replace the device node itself.
        raise InputError(str(path), "is not a regular file (a device or FIFO); write to a file")


def write_atomic(path: Path, text: str, *, overwrite: bool = True, flag: str = "--force") -> None:
    """Write ``text`` to ``path`` via a temporary file and a rename.

    A reader (or a crash, a full disk, Ctrl-C) sees the old file or the new one, never a
    mix, and no temporary file is left. With ``overwrite=False`` an existing file is an
    error and is left untouched. Any ``OSError`` is an ``InputError`` naming ``path``.
    """
    shown = usable_path(path)
    if path.is_dir():
        raise InputError(shown, "is a directory; give a file name to write to")
    _refuse_special(path)
    if not overwrite and path.exists():
        raise OutputExistsError(shown, flag)
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
            raise OutputExistsError(str(path), flag)
        Path(tmp).replace(path)
    except OSError as exc:  # ENOSPC, EDQUOT, EIO, …
        Path(tmp).unlink(missing_ok=True)
        raise InputError(shown, f"cannot write: {exc.strerror or exc}") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _same(a: Path, b: Path) -> bool:
    """Whether two paths name one file: the same resolved path, or (both existing) the same
    inode, which catches hard links and case-insensitive file systems."""
    try:
        if a.resolve() == b.resolve():
            return True
        return a.samefile(b)
    except (OSError, RuntimeError):  # a link loop (RuntimeError before Python 3.13)
        return False


def refuse_input(
    output: Path, inputs: Iterable[Path | str], hint: str = "give -o/--output another file"
) -> None:
    """Raise ``UsageError`` (exit 2) when ``output`` is one of the command's ``inputs`` (the
    draft, a source, a library): writing there would destroy what was read. ``hint`` says
    what to do instead. URLs in ``inputs`` are ignored."""
    for item in inputs:
        if isinstance(item, str):
            if "://" in item:
                continue
            item = Path(item)
        if _same(output, item):
            raise UsageError(
                f"{output}: is one of this command's inputs; {hint} (nothing was written)"
            )


def keep_version(path: Path) -> Path | None:
    """Keep ``path`` as ``name.vN.ext`` (the next free N), byte for byte and atomically, before
    it is replaced; None when there is no such file. A kept version is never replaced."""
    _refuse_special(path)  # reading a FIFO or /dev/zero to keep it would never end
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise InputError(str(path), f"cannot read: {exc.strerror or exc}") from None
    try:  # a folder where no file can be made (read-only) is one line, not a traceback
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise InputError(str(path.parent), f"cannot write: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        Path(tmp).chmod(path.stat().st_mode & 0o7777)
        n = 1
        while True:
            candidate = path.with_name(f"{path.stem}.v{n}{path.suffix}")
            try:
                os.link(tmp, candidate)  # appears whole, and never replaces a kept version
            except FileExistsError:
                n += 1
                continue
            except OSError:  # no hard links here (a FAT/exFAT stick, some network shares)
                if not _create_new(candidate, data, path.stat().st_mode & 0o7777):
                    n += 1
                    continue
            return candidate
    except OSError as exc:
        raise InputError(
            str(path), f"cannot keep the previous version: {exc.strerror or exc}"
        ) from None
    finally:
        Path(tmp).unlink(missing_ok=True)


def _create_new(path: Path, data: bytes, mode: int) -> bool:
    """Write ``data`` to ``path`` only if no such file exists (False then): never replaces.
    Where hard links are missing; the file is visible before it is whole, but the file it
    keeps is not touched until it is."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    except FileExistsError:
        return False
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return True


def _writable(path: Path) -> None:
    """Raise ``InputError`` unless ``path`` is a regular file or nothing: a directory, a
    pipe or device (``/dev/stdout``: reading the old version would wait for ever), a link to
    nothing or a link loop is not replaced by a file."""
    if path.is_dir():
        raise InputError(str(path), "is a directory; give a file name to write to")
    if (path.is_symlink() and not path.exists()) or (path.exists() and not path.is_file()):
        raise InputError(
            str(path),
            "is not a regular file (a pipe, a device or a broken link); give a file "
            "name to write to, or leave out -o/--output to write to stdout",
        )


def write_version_kept(
    path: Path, text: str, *, replace: bool, flag: str = "--replace"
) -> Path | None:
    """Write ``text`` to ``path`` atomically. An existing file is replaced only when
    ``replace``, and is first kept as ``name.vN.ext``; returns that version's path (or None).
    Without ``replace`` an existing file is an ``OutputExistsError`` naming ``flag``."""
    _writable(path)
    if not replace:
        write_atomic(path, text, overwrite=False, flag=flag)
        return None
    kept = keep_version(path)
    write_atomic(path, text)
    return kept
