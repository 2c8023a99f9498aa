"""The newsletter profile: the name, title pattern, sign-off, disclaimer, quote style and
default model of one newsletter, so that a writer drafts their own newsletter without editing
Python. The bundled RTZ profile (``templates/profile.rtz.toml``, equal to ``RTZ``) is the
default.

A profile is data only: it is read with ``tomllib`` (``drafter.toml`` in the working folder,
else in drafter's user folder, which the CLI names) and its values are filled in as plain
strings, never rendered as templates, so a ``drafter.toml`` that arrives with a folder can run
no code. ``load`` reads files; everything else here is pure (``infer`` reads a post's text and
``to_toml`` writes one).
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path

import yaml

from drafter.errors import InputError

FILE_NAME = "drafter.toml"
BUNDLED = "profile.rtz.toml"  # in templates/
QUOTE_STYLES = ("us", "british", "auto")
MAX_BYTES = 64_000
_MARKS = {"us": ("“", "”"), "british": ("‘", "’"), "auto": ("“", "”")}
_PUNCT = " \t.:,;|–—-"


def _regex(fragment: str) -> str:
    """A literal piece of a title pattern as a regex: spaces flexible, ``{number}`` a group."""
    out = []
    for piece in re.split(r"(\{number\}|\s+)", fragment):
        if piece == "{number}":
            out.append(r"(?P<number>[^\s.:,;|]*)")
        elif piece.isspace():
            out.append(r"\s*")
        elif piece:
            out.append(re.escape(piece))
    return "".join(out)


@dataclass(frozen=True)
class Profile:
    """One newsletter. ``title`` holds ``{headline}`` and (optionally) ``{number}``."""

    name: str
    title: str
    sign_off: str = ""
    disclaimer: str = ""
    quote_style: str = "auto"  # "us" | "british" | "auto": the marks drafted with
    model: str = ""  # the default model ("" for drafter's own); model selection reads it
    origin: str = "bundled"  # where it was read from, for messages (not a TOML key)

    @property
    def checking_style(self) -> str:
        """How a check reads single quotes under this profile: ``british`` when it says so,
        else ``auto``. A ``drafter.toml`` may arrive with a stranger's folder, so it may make
        the check stricter (single quotes read as quotations) but never looser: ``us``
        (single quotes as terms, never failing) is for the marks drafter writes, and only
        the editor's own ``--quote-style us`` reads a draft that way."""
        return "british" if self.quote_style == "british" else "auto"

    @property
    def quote_marks(self) -> tuple[str, str]:
        """The marks drafter puts around a quotation it copies: “…” or, British, ‘…’."""
        return _MARKS[self.quote_style]

    def make_title(self, headline: str, number: int | str | None) -> str:
        """The title for ``headline`` and ``number`` (``TK`` when unknown). Plain replacement,
        not ``str.format``: a pattern can reach no attribute of anything."""
        shown = "TK" if number is None else str(number)
        # {number} is filled around the headline, never inside it: a headline may say it.
        before, _, after = self.title.partition("{headline}")
        return before.replace("{number}", shown) + headline + after.replace("{number}", shown)

    def split_title(self, title: str) -> tuple[str, str | None]:
        """The headline and the number (digits, or None) of a title written in this pattern,
        or close to it: the pattern's words around the headline are taken off where they are."""
        before, _, after = self.title.partition("{headline}")
        text = " ".join(title.split())
        found: str | None = None
        head = before.rstrip(_PUNCT)
        if head:
            m = re.match(_regex(head) + f"[{re.escape(_PUNCT)}]*", text, re.I)
            if m:
                text, found = text[m.end() :], m.groupdict().get("number")
        tail = after.lstrip(_PUNCT)
        if tail:
            m = re.search(f"[{re.escape(_PUNCT)}]*" + _regex(tail) + r"\s*$", text, re.I)
            if m:
                text, found = text[: m.start()], found or m.groupdict().get("number")
        number = found if found and found.isdigit() else None
        return text.strip().rstrip(".").strip(), number

    def house_title(self, title: str, number: int | None) -> str:
        """``title`` in this pattern, whatever form it came in (``TK headline`` when empty)."""
        headline, found = self.split_title(title)
        return self.make_title(headline or "TK headline", number if number is not None else found)


RTZ = Profile(
    name="RTZ",
    title="AI: {headline}. RTZ #{number}",
    sign_off="Stay tuned.",
    disclaimer="(NOTE: The discussions here are for information purposes only, and not meant as "
    "investment advice at any time. Thanks for joining us here)",
    quote_style="auto",
)

_KEYS = tuple(f.name for f in fields(Profile) if f.name != "origin")


def parse(text: str, origin: str) -> Profile:
    """A profile from TOML text; ``origin`` names the file in errors (exit 2)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(origin, f"not a valid profile (TOML): {exc}") from None
    unknown = sorted(set(data) - set(_KEYS))
    if unknown:
        raise InputError(origin, f"unknown profile key {unknown[0]!r}; known: {', '.join(_KEYS)}")
    for key, value in data.items():
        if not isinstance(value, str):
            raise InputError(origin, f"profile key {key!r} must be a string")
    for key in ("name", "title"):
        if not str(data.get(key, "")).strip():
            raise InputError(origin, f"the profile needs a {key!r}")
    title = data["title"]
    if title.count("{headline}") != 1 or title.count("{number}") > 1:
        raise InputError(
            origin, "the profile's title must hold {headline} once (and {number} at most once)"
        )
    if re.search(r"[{}]", title.replace("{headline}", "").replace("{number}", "")):
        raise InputError(origin, "the profile's title may hold only {headline} and {number}")
    if data.get("quote_style", "auto") not in QUOTE_STYLES:
        raise InputError(origin, f"quote_style must be one of {', '.join(QUOTE_STYLES)}")
    return Profile(**data, origin=origin)


def read(path: Path) -> Profile:
    """The profile in ``path``: a regular file, at most ``MAX_BYTES``."""
    try:
        if not path.is_file():
            raise InputError(str(path), "is not a regular file")
        data = path.read_bytes()[: MAX_BYTES + 1]
    except OSError as exc:
        raise InputError(str(path), f"cannot read: {exc.strerror or exc}") from None
    if len(data) > MAX_BYTES:
        raise InputError(str(path), f"is larger than {MAX_BYTES} bytes; not a profile")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(str(path), "is not UTF-8 text") from None
    return parse(text, str(path))


def load(folder: Path, user_folder: Path | None = None) -> Profile:
    """``drafter.toml`` in ``folder`` (the working folder), else in ``user_folder``, else the
    bundled RTZ profile."""
    for where in (folder, user_folder):
        if where is not None and (where / FILE_NAME).exists():
            return read(where / FILE_NAME)
    return bundled()


def bundled() -> Profile:
    from drafter import resources

    return replace(read(resources.packaged("templates") / BUNDLED), origin="bundled")


def _toml_string(value: str) -> str:
    # A JSON string is a valid TOML basic string (the same escapes), and always one line.
    return json.dumps(value, ensure_ascii=False)


def to_toml(profile: Profile, notes: tuple[str, ...] = ()) -> str:
    """The profile as a ``drafter.toml`` file, with ``notes`` (where each value came from)."""
    lines = [
        "# drafter.toml: this newsletter's profile. drafter reads it from the working folder",
        "# (else from its user folder); without one it drafts RTZ. Values are plain text.",
    ]
    lines += [f"# {n}" for n in notes]
    comments = {
        "title": "{headline} and {number} are filled in",
        "quote_style": "us (“…”), british (‘…’) or auto",
        "model": 'the default model; "" for drafter\'s own',
    }
    values = asdict(profile)
    for key in _KEYS:
        line = f"{key} = {_toml_string(values[key])}"
        lines.append(f"{line}  # {comments[key]}" if key in comments else line)
    return "\n".join(lines) + "\n"


# --- drafter init: what a published post tells about its newsletter ---------------------

_LABEL = re.compile(
    r"(?P<sep>[.:|–—-]?\s+)(?P<label>[A-Z][\w&'’]*(?: [\w&'’]+){0,3}\s*(?:#|No\.?\s*|n°\s*)?)$"
)
# A standing disclaimer: says so, or is a paragraph in parentheses of its own.
_DISCLAIMER = re.compile(
    r"not (?:meant|intended) as|advice|disclaimer|^\(?note\b|^\(.+\)$", re.I | re.S
)


def _title_of(text: str) -> str:
    """The post's title: its front matter's ``title``, else its first ``# heading``."""
    fence = re.match(r"---[ \t]*\n(.*?\n)---[ \t]*\n", text, re.S)
    if fence:
        try:
            meta = yaml.safe_load(fence.group(1))
        except yaml.YAMLError:
            meta = None
        title = meta.get("title") if isinstance(meta, dict) else None
        if isinstance(title, str) and title.strip():
            return title.strip()
        text = text[fence.end() :]
    heading = re.search(r"^#\s+(.+?)\s*#*\s*$", text, re.M)
    return heading.group(1) if heading else ""


def _title_pattern(title: str) -> tuple[str, str]:
    """(the title pattern, the newsletter's name or "") of a published title."""
    prefix = re.match(r"[^:]{1,20}:\s+", title)
    numbers = list(re.finditer(r"\d+", title))
    if not numbers:
        start = prefix.group(0) if prefix else ""
        return start + "{headline}", ""
    last = numbers[-1]
    left, right = title[: last.start()], title[last.end() :]
    label = _LABEL.search(left)
    if len(right.split()) < 3 and label:  # `…. RTZ #767`: the number ends the title
        before = left[: label.start()]
        start = prefix.group(0) if prefix and prefix.end() <= len(before) else ""
        pattern = start + "{headline}" + label.group("sep") + label.group("label") + "{number}"
        return pattern + right, label.group("label").rstrip(" #.").removesuffix(" No")
    lead = re.match(r"([.:|–—-]?\s+)\S", right)
    if lead:  # `Harbour Dispatch No. 12: Tides turn`: the number comes first
        name = re.sub(r"\s*(?:#|No\.?|n°|Issue)\s*$", "", left, flags=re.I).strip()
        return left + "{number}" + lead.group(1) + "{headline}", name
    return "{headline}", ""


def infer(text: str) -> tuple[Profile, tuple[str, ...]]:
    """What a published post (Markdown, front matter or not) tells about its newsletter: the
    title pattern and name, the sign-off, the disclaimer and the quote style; and a note for
    each, saying what was found or that RTZ's value was kept."""
    notes = []
    title = _title_of(text)
    pattern, name = _title_pattern(title) if title else ("", "")
    notes.append(
        f"title pattern from the post's title “{title}”"
        if title
        else "no title found (RTZ's title pattern kept: edit it)"
    )
    paras = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    disclaimer = next((p for p in reversed(paras[-6:]) if _DISCLAIMER.search(p)), "")
    notes.append("disclaimer found" if disclaimer else "no disclaimer found (left empty)")
    end = paras.index(disclaimer) if disclaimer else len(paras)
    sign_off = ""
    for para in reversed(paras[max(end - 3, 0) : end]):
        last = re.split(r"(?<=[.!?])\s+", para)[-1]
        if len(last.split()) <= 6 and last[-1:] in ".!":
            sign_off = last
            break
    notes.append(f"sign-off “{sign_off}”" if sign_off else "no sign-off found (left empty)")
    doubles = len(re.findall(r"(?:^|[\s(])[“\"]\w", text, re.M))
    singles = len(re.findall(r"(?:^|[\s(])‘\w", text, re.M))
    style = "british" if singles > doubles else "auto"  # auto: “…” drafted, ‘…’ still read
    notes.append(f"quote style {style}: {doubles} double and {singles} single opening marks")
    profile = Profile(
        name=name or "My newsletter",
        title=pattern if pattern.count("{headline}") == 1 else RTZ.title,
        sign_off=sign_off,
        disclaimer=" ".join(disclaimer.split()),
        quote_style=style,
    )
    return profile, tuple(notes)
