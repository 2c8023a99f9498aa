"""Read source articles and drafts from disk or the web. This is the only stage that touches
source files; URLs are downloaded through ``fetch`` and HTML is turned into text by ``html``.

Takes paths and URLs; returns ``Source`` snapshots (text with newlines normalised to ``\\n``
and its sha256) and draft documents; ``load_snapshot`` also returns the original bytes and
where and when they were retrieved, for the source library. Every way a file or a page can be
unusable becomes an ``InputError`` naming the file or URL and the problem.
"""

from __future__ import annotations

import codecs
import os
import stat
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from drafter.errors import InputError
from drafter.fsutil import usable_path
from drafter.models import Source
from drafter.sources import frontmatter
from drafter.sources.charset import (
    encoding_name,
    guess_encoding,
    utf8_with_strays,
    utf16_without_mark,
)
from drafter.sources.ids import sha256, slug

# Formats drafter reads as sources (and http(s) URLs).
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
TEXT_SUFFIXES = {".txt", ".text", ""}
MARKDOWN_SUFFIXES = {".md", ".markdown"}
META_FIELDS = ("title", "publication", "short_name", "url", "author", "date")
# The largest file drafter reads (a source, a draft, notes): a long article is well under
# 1 MB, but a whole book or an archive dump as one source (50 MB is tested) still works.
MAX_FILE_BYTES = 100 * 1024 * 1024
SNIFF_BYTES = 65536  # how much of a file is looked at for NUL bytes (UTF-16 or binary)


def read_bytes(path: Path) -> bytes:
    """The file's bytes, at most MAX_FILE_BYTES of them.

    Only a regular file is read: a directory, a device (``/dev/zero``), a FIFO or a socket is
    an ``InputError``, as are a missing file, a file over the cap and a read error. The file is
    opened without blocking (a FIFO would wait for a writer forever) and checked on the open
    descriptor, so it cannot be swapped between the check and the read.
    """
    shown = usable_path(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise InputError(shown, "no such file") from None
    except IsADirectoryError:
        raise InputError(shown, "is a directory, not a file") from None
    except OSError as exc:
        raise InputError(shown, f"cannot read: {exc.strerror or exc}") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise InputError(shown, "is a directory, not a file")
        if not stat.S_ISREG(info.st_mode):
            raise InputError(shown, "is not a regular file (a device, FIFO or socket)")
        if info.st_size > MAX_FILE_BYTES:
            raise InputError(shown, _too_large(info.st_size))
        with os.fdopen(fd, "rb", closefd=False) as f:
            # Asking for the cap would make Python allocate 100 MB for every file; its size
            # (and one byte more, to see it grow) is read first, and a growing file is read
            # on, up to the cap.
            data = f.read(info.st_size + 1)
            if len(data) > info.st_size:
                data += f.read(MAX_FILE_BYTES + 1 - len(data))
    except OSError as exc:
        raise InputError(shown, f"cannot read: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    if len(data) > MAX_FILE_BYTES:
        raise InputError(shown, _too_large(len(data)))
    return data


def _too_large(size: int) -> str:
    return (
        f"is too large ({size / 1_048_576:.1f} MB; drafter reads files up to "
        f"{MAX_FILE_BYTES // 1_048_576} MB)"
    )


def read_text(path: Path) -> tuple[str, str | None]:
    """The file's text with newlines normalised, and a warning if it was not UTF-8.

    UTF-8 (with or without BOM) and BOM-marked UTF-16/32 are read as such. Bytes that are not
    UTF-8 are read in the encoding ``guess_encoding`` finds (Windows-1252, Windows-1251,
    ISO-8859-2, Shift_JIS, …), and the caller is told which; when none fits, ``InputError``.
    """
    return decode_text(read_bytes(path), str(path))


def decode_text(data: bytes, shown: str) -> tuple[str, str | None]:
    """``decode``, with newlines normalised to ``\\n``."""
    text, warning = decode(data, shown)
    if "\r" in text:  # one scan of a long text that has none, not two
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text, warning


def decode(data: bytes, shown: str) -> tuple[str, str | None]:
    for bom, encoding in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(encoding), None
            except UnicodeDecodeError:
                raise InputError(
                    shown, f"starts with a {encoding} mark but is not valid {encoding}"
                ) from None
    if b"\x00" in data[:SNIFF_BYTES]:
        # UTF-16 saved without a byte-order mark is full of NULs, as a binary file is (and
        # valid UTF-8 all the same): only a text with NULs is worth the closer look.
        wide = utf16_without_mark(data)
        if wide is not None:
            return data.decode(wide), f"{shown}: not UTF-8; read as UTF-16 ({wide[-2:].upper()})"
        raise InputError(shown, "looks like a binary file (it contains NUL bytes), not text")
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        pass
    mixed = utf8_with_strays(data)
    if mixed is not None:
        text, strays = mixed
        return text, f"{shown}: not UTF-8 throughout; read {strays} stray bytes as Windows-1252"
    legacy = guess_encoding(data)
    if legacy is None:
        raise InputError(
            shown,
            "is not UTF-8 and no other character encoding fits it; save it as UTF-8 text",
        )
    return data.decode(legacy), f"{shown}: not UTF-8; read as {encoding_name(legacy)}"


def source_from_text(
    text: str, *, path: str = "", fallback_id: str = "", fmt: str = "text"
) -> Source:
    """A ``Source`` from a document's text; front matter supplies the metadata."""
    try:
        doc = frontmatter.split(text)
    except frontmatter.FrontMatterError as exc:
        raise InputError(path or fallback_id, str(exc)) from None
    return source_from_document(doc, path=path, fallback_id=fallback_id, fmt=fmt)


def source_from_document(
    doc: frontmatter.Document, *, path: str = "", fallback_id: str = "", fmt: str = "text"
) -> Source:
    """A ``Source`` from a document split from its front matter."""
    meta = {k: "" if doc.meta.get(k) is None else str(doc.meta[k]).strip() for k in META_FIELDS}
    # The file's name is what the user typed, so it makes the most predictable id. A
    # front-matter id is untrusted text like any other: it becomes a file name in `draft`.
    given = str(doc.meta.get("id") or "").strip()
    sid = slug(given) if given else slug(fallback_id or meta["short_name"])
    body = doc.body.strip("\n")
    return Source(id=sid, text=body, sha256=sha256(body), path=path, format=fmt, **meta)


def load_source(path: Path) -> tuple[Source, str | None]:
    if path.suffix.lower() in HTML_SUFFIXES:
        snap = _html_file(path)
        return snap.source, snap.warning
    return _text_source(path, read_bytes(path))


def _text_source(path: Path, data: bytes) -> tuple[Source, str | None]:
    fmt = "markdown" if path.suffix.lower() in MARKDOWN_SUFFIXES else "text"
    # UTF-8 with front matter (most of a writer's sources): head and body decoded apart.
    # NUL bytes go the long way, where ``decode`` tells UTF-16 from a binary file.
    if data.startswith(b"---") and b"\x00" not in data[:SNIFF_BYTES]:
        try:
            doc = frontmatter.split_utf8(data)
        except frontmatter.FrontMatterError as exc:
            raise InputError(str(path), str(exc)) from None
        if doc is not None:
            return source_from_document(doc, path=str(path), fallback_id=path.stem, fmt=fmt), None
    text, warning = decode_text(data, str(path))
    if not text.strip():
        raise InputError(str(path), "is empty: a source needs text to quote")
    return source_from_text(text, path=str(path), fallback_id=path.stem, fmt=fmt), warning


@dataclass(frozen=True)
class Snapshot:
    """A source as retrieved: the ``Source`` and what the library keeps beside it."""

    source: Source
    raw: bytes  # the original bytes (the HTML page, the file), so extraction can be redone
    origin: str  # the URL as given, or the file's absolute path: what "the same source" means
    retrieved_from: str  # the URL after redirects, or the file's path
    retrieved_at: str  # ISO 8601, UTC
    content_type: str
    warning: str | None = None


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _html_file(path: Path) -> Snapshot:
    from drafter.sources.html import source_from_html

    data = read_bytes(path)
    src, note = source_from_html(data, str(path), path=str(path), fallback=path.stem)
    origin = str(path.resolve())
    return Snapshot(src, data, origin, str(path), _now(), "text/html", note)


def _url(url: str, allow_private: bool) -> Snapshot:
    from drafter.sources.fetch import fetch
    from drafter.sources.html import fallback_id, source_from_html

    page = fetch(url, allow_private=allow_private)
    note = None
    if page.is_html:
        src, note = source_from_html(
            page.body,
            url,
            url=page.final_url,
            header_charset=page.charset,
            fallback=fallback_id(page.final_url),
        )
    else:  # text/plain or text/markdown: read like a file of that kind
        text, _ = decode_text(page.body, url)
        if not text.strip():
            raise InputError(url, "is empty: a source needs text to quote")
        fmt = "markdown" if page.content_type == "text/markdown" else "text"
        src = source_from_text(text, fallback_id=fallback_id(page.final_url), fmt=fmt)
        if not src.url:
            src = replace(src, url=page.final_url)
    return Snapshot(src, page.body, url, page.final_url, page.retrieved_at, page.content_type, note)


def is_url(ref: str | Path) -> bool:
    return isinstance(ref, str) and ref.lower().startswith(("http://", "https://"))


def load_snapshot(ref: str | Path, *, allow_private: bool = False) -> Snapshot:
    """A file (.txt, .md, .html) or an http(s) URL, with its original bytes. A URL on a
    private address is refused unless ``allow_private`` (``fetch.guard``)."""
    if is_url(ref):
        return _url(str(ref), allow_private)
    path = Path(ref)
    if path.suffix.lower() in HTML_SUFFIXES:
        return _html_file(path)
    data = read_bytes(path)  # read once: the kept bytes are the ones the text came from
    src, warning = _text_source(path, data)
    fmt = "text/markdown" if src.format == "markdown" else "text/plain"
    return Snapshot(src, data, str(path.resolve()), str(path), _now(), fmt, warning)


def unique_ids(sources: Iterable[Source]) -> tuple[Source, ...]:
    """Sources with ids made unique (``ft``, ``ft-2``, …), identical snapshots dropped."""
    seen_ids: set[str] = set()
    seen_hashes: set[str] = set()
    out = []
    for s in sources:
        if s.sha256 in seen_hashes:
            continue
        seen_hashes.add(s.sha256)
        sid, n = s.id, 1
        while sid in seen_ids:
            n += 1
            sid = f"{s.id}-{n}"
        seen_ids.add(sid)
        out.append(s if sid == s.id else replace(s, id=sid))
    return tuple(out)


def load_ref(ref: str | Path, *, allow_private: bool = False) -> tuple[Source, str | None]:
    """A source from a file path or an http(s) URL (see ``load_snapshot``)."""
    if is_url(ref):
        snap = _url(str(ref), allow_private)
        return snap.source, snap.warning
    return load_source(Path(ref))


def load_sources(
    paths: Sequence[Path | str], *, allow_private: bool = False
) -> tuple[tuple[Source, ...], list[str]]:
    warnings = []
    sources = []
    for p in paths:
        src, warning = load_ref(p, allow_private=allow_private)
        sources.append(src)
        if warning:
            warnings.append(warning)
    return unique_ids(sources), warnings


def draft_source_paths(
    draft_path: Path, meta: dict[str, Any], explicit: Collection[Path] = ()
) -> list[Path]:
    """Source files a generated draft lists in its front matter, relative to the draft.

    Each must lie inside the draft's folder (``confined``) unless it is one of ``explicit``
    (resolved paths the editor passed with ``--source``)."""
    entries = meta.get("sources") or []
    if not isinstance(entries, list):
        raise InputError(str(draft_path), "front matter 'sources' must be a list")
    paths = []
    for entry in entries:
        value = entry.get("path") if isinstance(entry, dict) else entry
        if isinstance(value, str) and value:
            paths.append(confined(draft_path, value, explicit))
    return paths


def confined(draft_path: Path, value: str, explicit: Collection[Path] = ()) -> Path:
    """The trust check for a path a draft's front matter names (DESIGN.md § Trust).

    A draft may come from anyone, so its front matter may name only files inside the
    draft's own folder: ``..``, an absolute path elsewhere or a symlink that leads out is an
    ``InputError``, unless the file it resolves to is in ``explicit`` (the editor named it).
    """
    shown = str(draft_path)
    if "\0" in value:
        raise InputError(shown, "a front-matter source path contains a NUL byte")
    folder = draft_path.parent.resolve()
    given = Path(value)
    path = given if given.is_absolute() else draft_path.parent / given
    try:
        real = path.resolve()  # follows every symlink on the way
    except (OSError, RuntimeError) as exc:  # a symlink loop, a name too long
        raise InputError(shown, f"front-matter source {value!r}: {exc}") from None
    if real in explicit or real.is_relative_to(folder):
        return real  # the checked file: a symlink changed after this check is not followed
    raise InputError(
        shown,
        f"front-matter source {value!r} is outside the draft's folder; a draft may name only "
        "files beside it (pass the file with --source if you trust it)",
    )
