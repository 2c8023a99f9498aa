"""Reader for the checker cases in tests/fixtures/checker/*.md.

The format is meant for editors: a `## title` per case, prose, then tilde-fenced blocks
(`~~~ source ID`, `~~~ draft`, `~~~ options`, `~~~ expect`) and an optional `sources: a, b`
line naming shared sources in fixtures/checker/sources/. See the files for examples.

A source id with an extension (`~~~ source notes.txt`) is written under that file name
(otherwise `ID.md`): markup is recognised by content whatever the extension. Options:
`strict: true`, `quote-style: us|british|auto`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

CASES_DIR = Path(__file__).parent / "fixtures" / "checker"
_FENCE = re.compile(r"^~~~[ \t]*(\w+)?[ \t]*(\S+)?[ \t]*$")
_EXPECT = re.compile(r"^(\w+)(?:\s+@(\S+))?(?:\s*\|\s*(.*))?$")


@dataclass
class Expectation:
    status: str
    source: str | None
    prefix: str | None
    extra: dict[str, str] = field(default_factory=dict)


@dataclass
class Case:
    file: str
    title: str
    line: int
    sources: dict[str, str] = field(default_factory=dict)  # id -> text (with front matter)
    shared: list[str] = field(default_factory=list)
    draft: str = ""
    options: dict[str, str] = field(default_factory=dict)
    expect: list[Expectation] | None = None

    @property
    def id(self) -> str:
        return f"{self.file}::{self.title}"


def _parse_expect(lines: list[str], where: str) -> list[Expectation]:
    out: list[Expectation] = []
    for raw in lines:
        if not raw.strip():
            continue
        if raw.startswith((" ", "\t")):
            key, _, value = raw.strip().partition(":")
            if not out:
                raise ValueError(f"{where}: detail line before any expectation: {raw!r}")
            out[-1].extra[key.strip()] = value.strip()
            continue
        m = _EXPECT.match(raw.strip())
        if not m:
            raise ValueError(f"{where}: cannot read expectation {raw!r}")
        out.append(Expectation(m.group(1), m.group(2), (m.group(3) or "").strip() or None))
    return out


def parse(path: Path) -> list[Case]:
    cases: list[Case] = []
    lines = path.read_text(encoding="utf-8").split("\n")
    i = 0
    case: Case | None = None
    while i < len(lines):
        line = lines[i]
        if line.startswith("## "):
            case = Case(path.name, line[3:].strip(), i + 1)
            cases.append(case)
        elif case is not None and line.lower().startswith("sources:"):
            case.shared += [s.strip() for s in line.split(":", 1)[1].split(",") if s.strip()]
        elif case is not None and (m := _FENCE.match(line)) and m.group(1):
            kind, arg = m.group(1), m.group(2)
            body = []
            i += 1
            while i < len(lines) and lines[i].rstrip() != "~~~":
                body.append(lines[i])
                i += 1
            text = "\n".join(body)
            where = f"{path.name}:{case.line} ({case.title})"
            if kind == "source":
                if not arg:
                    raise ValueError(f"{where}: `~~~ source` needs an id")
                case.sources[arg] = text + "\n"
            elif kind == "draft":
                case.draft = text + "\n"
            elif kind == "options":
                case.options = {
                    k.strip(): v.strip()
                    for k, _, v in (ln.partition(":") for ln in body if ln.strip())
                }
            elif kind == "expect":
                case.expect = _parse_expect(body, where)
            else:
                raise ValueError(f"{where}: unknown block `~~~ {kind}`")
        i += 1
    return cases


def all_cases() -> list[Case]:
    cases = [c for p in sorted(CASES_DIR.glob("*.md")) for c in parse(p)]
    titles = [c.title for c in cases]
    dupes = {t for t in titles if titles.count(t) > 1}
    if dupes:
        raise ValueError(f"duplicate case titles: {sorted(dupes)}")
    return cases
