"""YAML front matter: split it from a document and parse it. Pure: no I/O.

Takes the document text; returns the metadata mapping, the body and the number of lines the
front matter took (so that line numbers in the body can be reported as lines of the file).

Front matter may come from anyone's draft or source, so its work is bounded: YAML aliases are
refused (a few hundred bytes of nested aliases expand to gigabytes: the "billion laughs"),
nesting deeper than MAX_DEPTH is refused before the parser recurses, an integer longer than
MAX_INT_DIGITS is refused in any base, and anything else the
YAML library or Python cannot turn into values (a 5,001-digit integer, a date that does not
exist) is a ``FrontMatterError``, one line, never a traceback.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

# libyaml's loader where PyYAML was built with it: the pure-Python one costs about 0.2 ms a
# source, 2 s for a library of 10,000 files with front matter.
_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_FENCE = re.compile(r"\A---[ \t]*\n(.*?\n)?---[ \t]*(?:\n|\Z)", re.DOTALL)


MAX_DEPTH = 64  # levels of nested lists and mappings; real front matter uses two or three
# Python's own limit on int <-> str (sys.int_info.default_max_str_digits). YAML's decimal
# integers hit it when parsed; hexadecimal, binary and base-60 ones do not (they are built by
# arithmetic, base 60 in quadratic time) and failed later, when a title or an id was shown.
MAX_INT_DIGITS = 4300
_INT_LIMIT = 10**MAX_INT_DIGITS
_REFUSALS = ("uses a YAML", "is nested", "has an integer")  # drafter's own problems, shown


class FrontMatterError(ValueError):
    """The front matter is there but is not a YAML mapping."""


class _BoundedLoader(yaml.SafeLoader):
    """``SafeLoader`` without aliases and with a bound on nesting: work linear in the text."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def _refuse(self, problem: str) -> yaml.composer.ComposerError:
        mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
        return yaml.composer.ComposerError(None, None, problem, mark)

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            raise self._refuse("uses a YAML alias (*name), which drafter does not expand")
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise self._refuse(f"is nested more than {MAX_DEPTH} levels deep")
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def bounded_int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int:
    """YAML's int constructor, refusing an integer longer than MAX_INT_DIGITS in any base.
    A module function so that every loader front matter is read with can take it."""
    # Checked on the text first (building a long base-60 number is quadratic), then on the
    # value (a hexadecimal digit is worth 1.2 decimal ones).
    if len(loader.construct_scalar(node)) <= MAX_INT_DIGITS:
        number = loader.construct_yaml_int(node)
        if abs(number) < _INT_LIMIT:
            return number
    problem = f"has an integer longer than {MAX_INT_DIGITS:,} digits"
    raise yaml.constructor.ConstructorError(None, None, problem, node.start_mark)


_BoundedLoader.add_constructor("tag:yaml.org,2002:int", bounded_int)

_FastLoader: type[yaml.CSafeLoader] | None = None
if _LOADER is not yaml.SafeLoader:

    class _CBoundedInts(yaml.CSafeLoader):
        """libyaml's loader with the same bound on integers as ``_BoundedLoader``."""

    _CBoundedInts.add_constructor("tag:yaml.org,2002:int", bounded_int)
    _FastLoader = _CBoundedInts


def _loader_for(yaml_text: str) -> type[yaml.SafeLoader] | type[yaml.CSafeLoader]:
    """libyaml's fast loader when ``yaml_text`` can hold neither an alias (no ``*``) nor
    nesting near MAX_DEPTH (an upper bound: the deepest line's indent plus its ``- ``/``? ``
    openers, plus every ``[`` and ``{``); else the bounded pure-Python loader. libyaml
    expands aliases and recurses as deep as it is told, so it only sees text that cannot
    ask for either; linear in the text."""
    if _FastLoader is None or "*" in yaml_text:
        return _BoundedLoader
    deepest = max(
        len(line) - len(line.lstrip(" \t")) + line.count("- ") + line.count("? ")
        for line in yaml_text.split("\n")
    )
    flows = yaml_text.count("[") + yaml_text.count("{")
    return _FastLoader if deepest + flows < MAX_DEPTH else _BoundedLoader


@dataclass(frozen=True)
class Document:
    meta: dict[str, Any]
    body: str
    body_line: int  # 0-based line of the file where the body starts
    body_offset: int  # character offset of the body in the file's text


def split(text: str) -> Document:
    m = _FENCE.match(text)
    if not m:
        return Document({}, text, 0, 0)
    try:
        meta = yaml.load(m.group(1) or "", Loader=_loader_for(m.group(1) or "")) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 2}" if mark is not None else ""
        problem = getattr(exc, "problem", None)
        if isinstance(problem, str) and problem.startswith(_REFUSALS):
            raise FrontMatterError(f"front matter{where} {problem}") from None
        raise FrontMatterError(f"front matter is not valid YAML{where}") from None
    except (ValueError, OverflowError, RecursionError) as exc:
        # int("9" * 5001) exceeds Python's digit limit; a date like 2025-02-30 does not exist.
        reason = " ".join(str(exc).split(";")[0].split())[:120]
        raise FrontMatterError(f"front matter has a value drafter cannot read ({reason})") from None
    if not isinstance(meta, dict):
        raise FrontMatterError("front matter must be a YAML mapping of field: value")
    return Document(meta, text[m.end() :], text.count("\n", 0, m.end()), m.end())


class _NoAliasDumper(yaml.SafeDumper):
    """Writes a value shared twice in full: ``split`` refuses aliases, even drafter's own."""

    def ignore_aliases(self, data: object) -> bool:
        return True


_FENCE_BYTES = re.compile(_FENCE.pattern.encode(), re.DOTALL)


def split_utf8(data: bytes) -> Document | None:
    """``split`` of a file's bytes that are UTF-8 with front matter: the head and the body
    decoded apart, because slicing the body off the decoded whole costs as much again as
    decoding it (a copy, and a scan for its widest character: 0.14 s per 100 MB).

    ``None`` when the bytes have no front matter, are not UTF-8, or have a carriage return
    anywhere (the fence is found after line ends are made ``\n``, and a ``\r`` further on
    can change which fence that is): then the caller decodes the whole and calls ``split``.
    Raises ``FrontMatterError`` as ``split`` does."""
    m = _FENCE_BYTES.match(data)
    if m is None or b"\r" in data:
        return None
    try:
        head = data[: m.end()].decode("utf-8")
        body = str(memoryview(data)[m.end() :], "utf-8")
    except UnicodeDecodeError:
        return None
    doc = split(head)
    return Document(doc.meta, body, doc.body_line, doc.body_offset)


def dump(meta: dict[str, Any], body: str) -> str:
    """The document with ``meta`` as front matter (keys kept in the given order)."""
    head = yaml.dump(meta, Dumper=_NoAliasDumper, sort_keys=False, allow_unicode=True, width=100)
    return f"---\n{head}---\n\n{body.lstrip()}"
