"""A draft from anyone: each attack of issue 14 as the editor would meet it, through the CLI.

A draft, its front matter, its sources and the folder it arrives in are untrusted (README §
Security). Every test here failed on drafter before the trust checks: it read files outside
the draft's folder, fetched URLs nobody asked for, wrote snapshots where a source's ``id``
pointed, ran the working folder's templates unsandboxed, read /dev/zero forever, expanded
YAML alias bombs, and ended disk-full, Ctrl-C and odd paths in tracebacks or the wrong code.
"""

from __future__ import annotations

import errno
import os
import sqlite3
import threading
import unicodedata
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from click.testing import CliRunner, Result
from hypothesis import given, settings
from hypothesis import strategies as st

from drafter import fsutil
from drafter.checker import normalize
from drafter.cli import main
from drafter.sources import fetch, frontmatter, ids, ingest

from .conftest import EXAMPLE

SOURCE_TEXT = (EXAMPLE / "scmp.md").read_text(encoding="utf-8")
QUOTE = (
    "“AGI and ASI are higher levels of AI that are meant to reach or exceed human intelligence.”"
)
SECRET = "FAKE-PRIVATE-KEY-0123456789"


def cli(*args: str | Path, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args], env=env)


def one_line(result: Result, code: int, *words: str) -> str:
    """The result exited ``code`` with one line on stderr holding ``words``, no traceback."""
    assert result.exit_code == code, (result.exit_code, result.output, result.exception)
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit
    ), repr(result.exception)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.output
    for w in words:
        assert w in lines[0], lines[0]
    return lines[0]


def draft_with(
    folder: Path, *entries: str, body: str = f"As the SCMP reports:\n\n{QUOTE}\n"
) -> Path:
    """A draft in ``folder`` whose front matter lists ``entries`` (YAML flow mappings)."""
    folder.mkdir(parents=True, exist_ok=True)
    listed = "".join(f"  - {e}\n" for e in entries)
    draft = folder / "draft.md"
    draft.write_text(f"---\ntitle: Hostile\nsources:\n{listed}---\n\n{body}", encoding="utf-8")
    return draft


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    """A private file beside the inbox the hostile draft arrives in."""
    path = tmp_path / "secret" / "id_rsa"
    path.parent.mkdir()
    path.write_text(f"{SECRET}\nsecond line of the key\n", encoding="utf-8")
    return path


# --- 1. front-matter paths stay in the draft's folder --------------------------------------


@pytest.mark.parametrize("how", ["dotdot", "absolute", "symlink", "symlinked-folder"])
def test_front_matter_cannot_read_files_outside_the_drafts_folder(
    tmp_path: Path, secret: Path, how: str
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    if how == "dotdot":
        entry = "{path: ../secret/id_rsa}"
    elif how == "absolute":
        entry = f"{{path: '{secret}'}}"
    elif how == "symlink":
        (inbox / "notes.md").symlink_to(secret)
        entry = "{path: notes.md}"
    else:
        (inbox / "refs").symlink_to(secret.parent)
        entry = "{path: refs/id_rsa}"
    draft = draft_with(inbox, entry)
    report = inbox / "report.html"
    result = cli("check", draft, "--format", "html", "-o", report)
    one_line(result, 2, str(draft), "outside the draft's folder", "--source")
    assert not report.exists()
    assert SECRET not in result.output


def test_etc_passwd_from_the_front_matter_is_refused(tmp_path: Path) -> None:
    """Case security/01: eight ``..`` to /etc/passwd."""
    draft = draft_with(tmp_path / "inbox", "{path: ../../../../../../../../etc/passwd}")
    result = cli("check", draft, "--format", "json")
    one_line(result, 2, "../etc/passwd", "outside the draft's folder")
    assert "root:" not in result.output


def test_revise_refuses_before_anything_reaches_the_model(tmp_path: Path, secret: Path) -> None:
    draft = draft_with(tmp_path / "inbox", "{path: ../secret/id_rsa}")
    result = cli("revise", draft, "--note", "x", env={"ANTHROPIC_API_KEY": "sk-test"})
    one_line(result, 2, "outside the draft's folder")


def test_the_editor_may_name_an_outside_file_with_source(tmp_path: Path) -> None:
    shared = tmp_path / "shared" / "scmp.md"
    shared.parent.mkdir()
    shared.write_text(SOURCE_TEXT, encoding="utf-8")
    draft = draft_with(tmp_path / "inbox", "{path: ../shared/scmp.md}")
    assert cli("check", draft).exit_code == 2
    result = cli("check", draft, "--source", shared)
    assert result.exit_code == 0, result.output


def test_files_inside_the_drafts_folder_are_still_read(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    (inbox / "sources").mkdir(parents=True)
    (inbox / "sources" / "scmp.md").write_text(SOURCE_TEXT, encoding="utf-8")
    (inbox / "alias.md").symlink_to(inbox / "sources" / "scmp.md")  # a link that stays inside
    draft = draft_with(inbox, "{path: sources/scmp.md}", "{path: ./sources/../alias.md}")
    result = cli("check", draft)
    assert result.exit_code == 0, result.output


# --- 2. front-matter URLs: fetched only when asked, never to private addresses -------------


class _Probe(BaseHTTPRequestHandler):
    """A loopback page standing for an intranet one; records every request."""

    hits: ClassVar[list[str]] = []

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        _Probe.hits.append(self.path)
        if self.path.startswith("/to-internal"):
            port = self.server.server_address[1]
            self.send_response(302)
            self.send_header("Location", f"http://127.0.0.1:{port}/internal")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = SOURCE_TEXT.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/markdown; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def probe() -> Iterator[str]:
    _Probe.hits = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Probe)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_front_matter_urls_are_not_fetched_unless_asked(tmp_path: Path, probe: str) -> None:
    (tmp_path / "scmp.md").write_text(SOURCE_TEXT, encoding="utf-8")
    draft = draft_with(tmp_path, "{path: scmp.md}", f"{{url: '{probe}/internal'}}")
    result = cli("check", draft)
    assert result.exit_code == 0, result.output
    assert _Probe.hits == []  # the draft's author cannot learn that it was read
    assert "not fetched (pass --fetch" in result.output


@pytest.mark.parametrize("command", ["check", "render"])
def test_fetch_refuses_a_loopback_url_without_allow_private(
    tmp_path: Path, probe: str, command: str
) -> None:
    draft = draft_with(tmp_path, f"{{url: '{probe}/internal'}}")
    out = tmp_path / "out.html"
    result = cli(command, draft, "--fetch", "-o", out)
    one_line(result, 2, f"{probe}/internal", "not a public address", "--allow-private")
    assert _Probe.hits == []
    assert not out.exists()
    allowed = cli(command, draft, "--fetch", "--allow-private", "-o", out)
    assert allowed.exit_code == 0, allowed.output
    assert _Probe.hits == ["/internal"]


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://localhost:8080/admin",
        "http://[::1]/",
        "http://169.254.169.254/latest/meta-data/",  # the cloud metadata address
        "http://10.1.2.3/",
        "http://192.168.0.1/",
        "http://172.16.0.1/",
        "http://100.64.0.1/",  # carrier-grade NAT, shared
        "http://0.0.0.0/",
        "http://2130706433/",  # 127.0.0.1 as one decimal number
        "http://0x7f.1/",
        "http://[::ffff:127.0.0.1]/",  # IPv4-mapped IPv6
        "http://[2002:7f00:1::]/",  # 6to4 around 127.0.0.1
        "http://[64:ff9b::a00:1]/",  # NAT64 around 10.0.0.1
        "http://[fe80::1]/",
        "http://[fc00::1]/",
        "http://224.0.0.1/",
        # Review of issue 14: forms that Python 3.11's tables call global.
        "http://[::127.0.0.1]/",  # IPv4-compatible IPv6 (::/96)
        "http://[::10.0.0.1]/",
        "http://[::ffff:0:127.0.0.1]/",  # IPv4-translated (SIIT, ::ffff:0:0:0/96)
        "http://[64:ff9b:1::a00:1]/",  # local-use NAT64 (RFC 8215) around 10.0.0.1
        "http://[fec0::1]/",  # site-local
    ],
)
def test_guard_refuses_every_non_public_address(url: str) -> None:
    from drafter.errors import InputError

    with pytest.raises(InputError, match=r"not a public address|cannot resolve"):
        fetch.guard(url, allow_private=False)
    fetch.guard(url, allow_private=True)  # the editor's choice


def test_guard_checks_every_address_a_name_resolves_to(monkeypatch: pytest.MonkeyPatch) -> None:
    from drafter.errors import InputError

    def two_answers(host: str, *args: object, **kwargs: object) -> list[tuple[object, ...]]:
        return [(2, 1, 6, "", ("93.184.216.34", 0)), (2, 1, 6, "", ("10.0.0.7", 0))]

    monkeypatch.setattr(fetch.socket, "getaddrinfo", two_answers)
    with pytest.raises(InputError, match=r"10\.0\.0\.7"):
        fetch.guard("https://news.example/", allow_private=False)


def _resolve_public_test(monkeypatch: pytest.MonkeyPatch, answers: Iterator[str]) -> None:
    """``public.test`` resolves to the next of ``answers``; other names as usual."""
    real = fetch.socket.getaddrinfo

    def resolve(host: str, *args: object, **kwargs: object) -> object:
        if host == "public.test":
            return [(2, 1, 6, "", (next(answers), 0))]
        return real(host, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(fetch.socket, "getaddrinfo", resolve)


def test_a_redirect_to_a_private_address_is_refused(
    probe: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first hop is public; the server sends us to 127.0.0.1: that hop is refused."""
    from drafter.errors import InputError

    port = probe.rsplit(":", 1)[1]
    real = fetch._public_addresses

    def addresses(host: str) -> list[str]:
        # public.test stands for a public site; it happens to be served from loopback here.
        return ["127.0.0.1"] if host == "public.test" else real(host)

    monkeypatch.setattr(fetch, "_public_addresses", addresses)
    with pytest.raises(InputError, match="not a public address"):
        fetch.fetch(f"http://public.test:{port}/to-internal", allow_private=False)
    assert _Probe.hits == ["/to-internal"]  # /internal was never requested


def test_a_name_that_turns_private_after_the_check_is_refused_at_connect(
    probe: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DNS rebinding: the check sees a public address, the connection would get 127.0.0.1."""
    from drafter.errors import InputError

    port = probe.rsplit(":", 1)[1]
    _resolve_public_test(monkeypatch, iter(["93.184.216.34", "127.0.0.1", "127.0.0.1"]))
    with pytest.raises(InputError, match="not a public address"):
        fetch.fetch(f"http://public.test:{port}/internal", allow_private=False)
    assert _Probe.hits == []


# --- 3. ids from untrusted text never become paths outside the output folder ---------------


@pytest.mark.parametrize("hostile_id", ["../../victim", "/tmp/abs_victim", "..", "a/../../b"])
def test_a_source_id_cannot_write_outside_the_draft_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hostile_id: str
) -> None:
    """Case security/03."""
    monkeypatch.chdir(tmp_path)
    target = Path(hostile_id).name or "victim"
    victims = [tmp_path / "victim.md", tmp_path / f"{target}.md"]
    if hostile_id.startswith("/"):
        victims.append(Path(hostile_id + ".md"))
    before = {v: v.read_text(encoding="utf-8") if v.exists() else None for v in victims}
    for v in victims[:2]:
        v.write_text("MY NOTES\n", encoding="utf-8")
    src = tmp_path / "hostile.md"
    body = SOURCE_TEXT.split("---\n", 2)[2]
    src.write_text(f"---\nid: {hostile_id!r}\ntitle: Hostile\n---\n{body}", encoding="utf-8")
    result = cli("draft", src, "--angle", "x", "--offline", "-d", tmp_path / "d1")
    assert result.exit_code == 0, result.output
    for v in victims[:2]:
        assert v.read_text(encoding="utf-8") == "MY NOTES\n"
    for v in victims[2:]:
        assert (v.read_text(encoding="utf-8") if v.exists() else None) == before[v]
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert all(p.is_relative_to(tmp_path / "d1") or p in victims or p == src for p in written)
    assert list((tmp_path / "d1" / "sources").iterdir())


ID_TEXT = st.lists(
    st.one_of(
        st.sampled_from(["/", "\\", ".", "..", "\0", "-", " ", ":", "~", "\n", "%2e", "Ж", "é"]),
        st.text(max_size=8),
    ),
    max_size=60,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(text=ID_TEXT)
def test_slug_is_a_safe_file_name_for_any_text(text: str) -> None:
    sid = ids.slug(text)
    assert sid and sid == ids.slug(sid)  # never empty; stable when slugged again
    assert not set(sid) & {"/", "\\", "\0", ".", ":"} and ".." not in sid
    assert len(sid.encode("utf-8")) <= ids.MAX_ID_BYTES
    assert all(c.isalnum() or c == "-" or unicodedata.category(c)[0] == "M" for c in sid)
    folder = Path("/out/draft")
    target = folder / "sources" / f"{sid}-v2.markdown"
    assert Path(os.path.normpath(target)).parent == folder / "sources"
    assert len(target.name.encode("utf-8")) <= 255


@settings(max_examples=200, deadline=None)
@given(
    value=st.lists(
        st.sampled_from(["..", ".", "a", "sources", "x.md", "", "/", "/etc", "link"]), max_size=6
    ).map("/".join)
)
def test_confined_paths_never_resolve_outside_the_folder(
    tmp_path_factory: pytest.TempPathFactory, value: str
) -> None:
    from drafter.errors import InputError

    root = tmp_path_factory.mktemp("confined")
    inbox = root / "inbox"
    (inbox / "a" / "sources").mkdir(parents=True, exist_ok=True)
    if not (inbox / "a" / "link").exists():
        (inbox / "a" / "link").symlink_to(root)  # a symlink that leads out
    draft = inbox / "a" / "draft.md"
    try:
        path = ingest.confined(draft, value or ".")
    except InputError:
        return
    assert path.resolve().is_relative_to((inbox / "a").resolve())


def test_non_ascii_ids_keep_their_letters(tmp_path: Path) -> None:
    src = tmp_path / "Жэньминь жибао.md"
    src.write_text(SOURCE_TEXT, encoding="utf-8")
    result = cli("chunk", src, "--format", "json")
    assert result.exit_code == 0, result.output
    assert '"id": "жэньминь-жибао"' in result.output


# --- 4. working-folder templates and prompts are opt-in, and always sandboxed ---------------

ESCAPE = (
    "{{ self.__init__.__globals__.__builtins__.__import__('os')"
    ".system('echo pwned > %s') }}<html><body>Provenance report: OK</body></html>"
)


def _bundle(tmp_path: Path) -> tuple[Path, Path]:
    """Case security/14: a received folder with a draft and a template that runs a command."""
    bundle = tmp_path / "bundle"
    (bundle / "templates").mkdir(parents=True)
    (bundle / "sources").mkdir()
    (bundle / "sources" / "scmp.md").write_text(SOURCE_TEXT, encoding="utf-8")
    pwned = tmp_path / "pwned.txt"
    (bundle / "templates" / "report.html.j2").write_text(ESCAPE % pwned, encoding="utf-8")
    draft_with(bundle, "{path: sources/scmp.md}")
    return bundle, pwned


def test_templates_in_the_working_folder_are_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bundle, pwned = _bundle(tmp_path)
    monkeypatch.chdir(bundle)
    monkeypatch.delenv("DRAFTER_TEMPLATES", raising=False)
    result = cli("check", "draft.md", "--format", "html", "-o", "r.html")
    assert result.exit_code == 0, result.output
    assert not pwned.exists()
    assert "Provenance report: OK" not in (bundle / "r.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("how", ["option", "env"])
def test_an_opted_in_template_still_cannot_escape_the_sandbox(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    bundle, pwned = _bundle(tmp_path)
    monkeypatch.chdir(bundle)
    if how == "option":
        result = cli(
            "--templates", "templates", "check", "draft.md", "--format", "html", "-o", "r.html"
        )
    else:
        result = cli(
            "check", "draft.md", "--format", "html", "-o", "r.html",
            env={"DRAFTER_TEMPLATES": str(bundle / "templates")},
        )  # fmt: skip
    one_line(result, 2, "report.html.j2", "unsafe")
    assert not pwned.exists()
    assert not (bundle / "r.html").exists()


# What an opted-in template can still do wrong at run time: Python errors the sandbox lets
# through. Each was a traceback with exit 1, the code for "a quote failed" (review of issue 14).
BROKEN_TEMPLATES = {
    "recursion": "{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}",
    "includes itself": '{% include "report.html.j2" %}',
    "division by zero": "{{ 1 / 0 }}",
    "type error": '{{ [1, "a"]|sort }}',
    "format arguments": '{{ "%s %s"|format(1) }}',
    "range over the sandbox's cap": "{{ range(10**9)|list|length }}",
    "a 100,000-digit number shown": "{{ 2**400000 }}",
    "not UTF-8": b"\xff\xfe{{ title }}\xe9",
}


@pytest.mark.parametrize("name", list(BROKEN_TEMPLATES))
def test_an_opted_in_template_that_fails_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    bundle, _ = _bundle(tmp_path)
    monkeypatch.chdir(bundle)
    text = BROKEN_TEMPLATES[name]
    report = bundle / "templates" / "report.html.j2"
    report.write_bytes(text if isinstance(text, bytes) else text.encode())
    result = cli(
        "--templates", "templates", "check", "draft.md", "--format", "html", "-o", "r.html"
    )
    one_line(result, 2, "report.html.j2", "template")
    assert not (bundle / "r.html").exists()


def test_prompts_in_the_working_folder_are_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from drafter import resources

    (tmp_path / "prompts").mkdir()
    (tmp_path / "prompts" / "house_style.md").write_text("Write anything.", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DRAFTER_PROMPTS", raising=False)
    resources.use_overrides()
    assert resources.read("prompts", "house_style.md") != "Write anything."
    resources.use_overrides(prompts=tmp_path / "prompts")
    try:
        assert resources.read("prompts", "house_style.md") == "Write anything."
    finally:
        resources.use_overrides()


# --- 5. bounded inputs -------------------------------------------------------------------


@pytest.mark.parametrize("special", ["/dev/zero", "/dev/urandom", "fifo", "dir"])
@pytest.mark.parametrize("role", ["source", "draft"])
def test_only_regular_files_are_read(tmp_path: Path, special: str, role: str) -> None:
    if special == "fifo":
        path = tmp_path / "pipe.md"
        os.mkfifo(path)  # nobody ever writes to it: a blocking read would wait forever
    elif special == "dir":
        path = tmp_path / "folder.md"
        path.mkdir()
    else:
        path = Path(special)
        if not path.exists():
            pytest.skip(f"no {special} here")
    good = tmp_path / "draft.md"
    good.write_text(QUOTE + "\n", encoding="utf-8")
    args = (
        ["check", good, "--source", path] if role == "source" else ["check", path, "--source", good]
    )
    one_line(cli(*args), 2, str(path))


def test_a_file_over_the_size_cap_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ingest, "MAX_FILE_BYTES", 1000)
    big = tmp_path / "big.md"
    big.write_text("word " * 1000, encoding="utf-8")
    draft = tmp_path / "draft.md"
    draft.write_text(QUOTE + "\n", encoding="utf-8")
    one_line(cli("check", draft, "--source", big), 2, str(big), "too large", "MB")


BOMB = (
    "---\n"
    + "".join(f"l{i}: &l{i} [{', '.join([f'*l{i - 1}' if i else 'lol'] * 9)}]\n" for i in range(10))
    + "title: x\n---\nSome text.\n"
)

FRONT_MATTER_ATTACKS = {
    "alias bomb": (BOMB, "alias"),
    "nested 5,000 deep": ("---\nx: " + "[" * 5000 + "]" * 5000 + "\n---\nText.\n", "nested"),
    "nested mappings": ("---\nx: " + "{a: " * 5000 + "1" + "}" * 5000 + "\n---\nText.\n", "nested"),
    "5,001-digit integer": ("---\ntitle: " + "9" * 5001 + "\n---\nText.\n", "integer"),
    "impossible date": ("---\ndate: 2025-02-30\n---\nText.\n", "cannot read"),
    # Hexadecimal, binary and base-60 integers escape Python's digit limit when parsed and
    # failed later, when shown: a traceback (review of issue 14).
    "20,000-digit hex integer": ("---\ntitle: 0x" + "f" * 20000 + "\n---\nText.\n", "integer"),
    "20,000-digit binary id": ("---\nid: 0b" + "1" * 20000 + "\n---\nText.\n", "integer"),
    "base-60 integer": ("---\nurl: " + ":".join(["59"] * 3000) + "\n---\nText.\n", "integer"),
}


@pytest.mark.parametrize("name", list(FRONT_MATTER_ATTACKS))
@pytest.mark.parametrize("role", ["source", "draft"])
def test_hostile_front_matter_is_one_line(tmp_path: Path, name: str, role: str) -> None:
    text, words = FRONT_MATTER_ATTACKS[name]
    hostile = tmp_path / "hostile.md"
    hostile.write_text(text, encoding="utf-8")
    good = tmp_path / "draft.md"
    good.write_text(QUOTE + "\n", encoding="utf-8")
    args = (
        ["check", good, "--source", hostile]
        if role == "source"
        else ["check", hostile, "--source", EXAMPLE / "scmp.md"]
    )
    one_line(cli(*args), 2, str(hostile), "front matter", words)


@pytest.mark.parametrize(
    "entity", ["&#1114112;", "&#x110000;", "&#xD800;", "&#0;", "&#x0;", "&#" + "9" * 5000 + ";"]
)
def test_a_numeric_entity_that_is_no_character_is_read_as_html_reads_it(
    tmp_path: Path, entity: str
) -> None:
    # A code point past U+10FFFF, a surrogate or NUL is U+FFFD to a browser; normalising it
    # was a ValueError traceback from `drafter check` (chr, or int of over 4,300 digits).
    source = tmp_path / "source.md"
    source.write_text(f"{SOURCE_TEXT}\n\nA stray {entity} here.\n", encoding="utf-8")
    draft = tmp_path / "draft.md"
    draft.write_text(QUOTE + "\n", encoding="utf-8")
    result = cli("check", draft, "--source", source)
    assert result.exit_code == 0, (result.output, result.exception)
    assert normalize.normalize(f"A {entity} b", normalize.ALL_RULES).text == "A \ufffd b"


def test_drafters_own_front_matter_never_uses_aliases() -> None:
    shared = {"path": "sources/a.md"}
    text = frontmatter.dump({"sources": [shared], "again": shared}, "Body.")
    assert "&" not in text.split("---")[1]
    assert frontmatter.split(text).meta["again"] == shared


# --- 6. every failure is one line with its exit code -------------------------------------


def _disk_full(monkeypatch: pytest.MonkeyPatch) -> None:
    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(fsutil.os, "fsync", full)


def test_a_full_disk_during_check_o_is_one_line_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    draft = draft_with(tmp_path, "{path: scmp.md}")
    (tmp_path / "scmp.md").write_text(SOURCE_TEXT, encoding="utf-8")
    out = tmp_path / "report.json"
    out.write_text("the previous report\n", encoding="utf-8")
    _disk_full(monkeypatch)
    result = cli("check", draft, "--format", "json", "-o", out, "--replace")
    one_line(result, 2, str(out), "No space left on device")
    assert out.read_text(encoding="utf-8") == "the previous report\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["draft.md", "report.json", "scmp.md"]


def test_a_full_disk_during_draft_is_one_line_and_leaves_no_partial_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    _disk_full(monkeypatch)
    out = tmp_path / "out"
    result = cli("draft", EXAMPLE / "scmp.md", "--angle", "x", "--offline", "-d", out)
    one_line(result, 2, "No space left on device")
    assert not [p for p in out.rglob("*") if p.is_file()]  # no half-written or temp file


def test_ctrl_c_during_check_exits_130_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import drafter.checker.check as check_module

    def interrupted(*args: object, **kwargs: object) -> object:
        raise KeyboardInterrupt

    monkeypatch.setattr(check_module, "verify", interrupted)
    draft = draft_with(tmp_path, "{path: scmp.md}")
    (tmp_path / "scmp.md").write_text(SOURCE_TEXT, encoding="utf-8")
    out = tmp_path / "report.html"
    result = cli("check", draft, "--format", "html", "-o", out)
    one_line(result, 130, "interrupted")
    assert not out.exists()


@pytest.mark.parametrize("where", ["draft", "source", "output", "library"])
@pytest.mark.parametrize("bad", ["nul", "long"])
def test_impossible_paths_are_one_line(tmp_path: Path, where: str, bad: str) -> None:
    name = "a\0b.md" if bad == "nul" else "x" * 256 + ".md"
    path = str(tmp_path / name)
    draft = tmp_path / "draft.md"
    draft.write_text(QUOTE + "\n", encoding="utf-8")
    args: list[str | Path] = {
        "draft": ["check", path, "--source", EXAMPLE / "scmp.md"],
        "source": ["check", draft, "--source", path],
        "output": ["check", draft, "--source", EXAMPLE / "scmp.md", "-o", path],
        "library": ["sources", "list", "--library-path", path],
    }[where]
    one_line(cli(*args), 2, "NUL byte" if bad == "nul" else "longer than 255 bytes")


def test_writing_to_a_device_is_refused_not_replaced(tmp_path: Path) -> None:
    draft = tmp_path / "draft.md"
    draft.write_text(QUOTE + "\n", encoding="utf-8")
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    for replace in ([], ["--replace"]):  # --replace would first keep the old one: never read
        result = cli("check", draft, "--source", EXAMPLE / "scmp.md", "-o", fifo, *replace)
        one_line(result, 2, "not a regular file")
        assert fifo.exists() and not fifo.is_file()  # still the FIFO, not renamed over


def _library(tmp_path: Path) -> Path:
    lib = tmp_path / "lib" / "library.sqlite"
    assert cli("sources", "add", EXAMPLE / "scmp.md", "--library-path", lib).exit_code == 0
    return lib


def test_search_limit_beyond_sqlite_is_accepted(tmp_path: Path) -> None:
    lib = _library(tmp_path)
    result = cli("sources", "search", "Nvidia", "--library-path", lib, "--limit", str(10**30))
    assert result.exit_code == 0, result.output
    assert "scmp:p01" in result.stdout


def test_a_read_only_library_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """As a user without write permission sees it (simulated: the tests may run as root,
    whom file modes do not stop): the OS says no write, and SQLite can only read the file."""
    lib = _library(tmp_path)
    before = lib.read_bytes()
    real_access, real_connect = os.access, sqlite3.connect

    def access(path: object, mode: int, **kwargs: object) -> bool:
        if mode & os.W_OK and Path(str(path)).resolve().is_relative_to(lib.parent.resolve()):
            return False
        return real_access(path, mode, **kwargs)  # type: ignore[arg-type]

    def connect(database: object, *args: object, **kwargs: object) -> sqlite3.Connection:
        if not kwargs.get("uri"):  # a read-write open: what such a user gets (SQLite's words)
            raise sqlite3.OperationalError("attempt to write a readonly database")
        return real_connect(database, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "access", access)
    monkeypatch.setattr(sqlite3, "connect", connect)
    listed = cli("sources", "list", "--library-path", lib)
    assert listed.exit_code == 0, listed.output
    assert "scmp" in listed.stdout
    found = cli("sources", "search", "Nvidia", "--library-path", lib)
    assert found.exit_code == 0 and "scmp:p01" in found.stdout, found.output
    draft = tmp_path / "draft.md"
    draft.write_text(f"As the SCMP reports:\n\n{QUOTE}\n", encoding="utf-8")
    checked = cli("check", draft, "--library-path", lib)
    assert checked.exit_code == 0, checked.output
    assert lib.read_bytes() == before


# --- 7. raw HTML: the checker and every output agree, and the Markdown output is safe -------

TAGGED_SOURCE = """---
title: Tags
publication: Gazette
---
The council said the <b>new</b> harbour plan would cost <i>far</i> more than expected this year.

Officials wrote that the budget line <script>alert(1)</script> was approved on Monday.

A third paragraph with enough words to be quoted on its own by the offline drafter today.
"""


@pytest.mark.parametrize("suffix", [".md", ".txt"])
def test_literal_html_in_a_source_drafts_and_renders_in_agreement(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suffix: str
) -> None:
    """It exited 2 after writing draft.md: the checker read the tags as markup, the
    renderer showed them as text, and the read-back stopped the render."""
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    src = tmp_path / f"tagged{suffix}"
    src.write_text(TAGGED_SOURCE, encoding="utf-8")
    out = tmp_path / "out"
    result = cli("draft", src, "--angle", "harbour plan costs", "--offline", "-d", out)
    assert result.exit_code in (0, 1), result.output
    # The offline draft keeps its [TK: …] slots, so only a forced render writes a page: exit
    # 1 for the slots, never 2 (a read-back mismatch between checker and renderer).
    page = tmp_path / "page.html"
    rendered = cli("render", out / "draft.md", "--force", "-o", page)
    assert rendered.exit_code == 1, rendered.output
    assert "<script>alert" not in page.read_text(encoding="utf-8")
    as_md = cli("render", out / "draft.md", "--force", "--format", "md")
    assert as_md.exit_code == 1, as_md.output


HOSTILE_MD = """# A <b>bold</b> headline

The Gazette reports that <img src=x onerror=alert(1)> the plan <b>passed</b>, see
[evil](javascript:alert(1)), [ent](javascript&#58;alert(3)), [nested [b] x](vbscript:x),
[rel](/local), [ok](https://example.org), <https://example.org/auto>, <javascript:alert(2)>,
![pic](data:text/html,x), [linked][ref] and `<code>`.

[ref]: javascript:alert(4)

<script>
alert(5)
</script>

<iframe src="javascript:alert(6)"></iframe>

“The council approved the harbour plan on Monday after a long debate.”
"""


def test_markdown_output_carries_no_raw_html_or_script_links(tmp_path: Path) -> None:
    """``render --format md`` kept raw HTML and javascript: links that the HTML outputs drop;
    rendered by a permissive Markdown renderer (raw HTML on, any link), it would run them."""
    from markdown_it import MarkdownIt

    src = tmp_path / "gazette.md"
    src.write_text(
        "---\ntitle: G\n---\nThe council approved the harbour plan on Monday after a long "
        "debate.\n",
        encoding="utf-8",
    )
    draft = tmp_path / "draft.md"
    draft.write_text(HOSTILE_MD, encoding="utf-8")
    result = cli("render", draft, "--source", src, "--format", "md")
    assert result.exit_code == 0, result.output
    md = result.stdout
    permissive = MarkdownIt("commonmark", {"html": True})
    permissive.validateLink = lambda url: True  # type: ignore[method-assign]
    page = permissive.render(md).lower()
    for bad in ("<script", "<img", "<iframe", "onerror", "javascript:", "vbscript:", "data:"):
        assert f'href="{bad}' not in page and f'src="{bad}' not in page, bad
        if bad.startswith("<"):
            assert bad not in page, bad  # shown as text: &lt;script
    assert '<a href="https://example.org">ok</a>' in page
    assert "“The council approved the harbour plan" in md  # quote text unchanged
    assert "<code>&lt;code&gt;</code>" in page  # code spans untouched


def test_front_matter_takes_libyaml_only_when_it_cannot_be_asked_to_expand_or_recurse() -> None:
    """libyaml is fast but expands aliases and recurses as told: it sees only text without
    an alias or deep nesting; everything else goes to the bounded loader."""
    from drafter.sources import frontmatter

    fast = frontmatter._FastLoader
    assert frontmatter._loader_for("title: T\nsources:\n  - {path: a.md}\n") is fast
    deep_block = "a:\n" + "".join(" " * i + "- b:\n" for i in range(0, 140, 2))
    compact = "a:\n  " + "- " * 70 + "x\n"
    for risky in ("a: &x [1]\nb: *x\n", "a: " + "[" * 70 + "]" * 70, deep_block, compact):
        assert frontmatter._loader_for(risky) is frontmatter._BoundedLoader


@pytest.mark.parametrize(
    "line",
    [
        # An unmatched backtick made the escaper skip as many characters after it as came
        # before it on the line (review of issue 14).
        "The council said so on Monday, and a lone tick ` then <img src=x onerror=alert(1)>.",
        # "\\\\]" is an escaped backslash and a "]" that closes the link: it was read as "\\]".
        "[click here\\\\](javascript:alert(1))",
        "![a picture\\\\](javascript:alert(1))",
        # A reference definition over two lines was read one line at a time: its target
        # (or the end of its label) on the next line was missed.
        "See [the post][x].\n\n[x]:\n  javascript:alert(1)",
        "See [w\n].\n\n[w\n]: javascript:alert(4)",
        "See [y].\n\n> [y]:\n> <javascript:alert(5)>",
        # Read line by line, the escaper took these for code spans, escapes or link targets.
        "A code span `opens here\nand closes` <img src=x onerror=alert(6)> `here`.",
        "An escaped backslash \\\\<script>alert(7)</script> before a tag.",
        "No link before ](<img src=x onerror=alert(8)>",
        "An escaped tick \\``<javascript:alert(9)>(`` is no code span.",
    ],
)
def test_markdown_output_defuses_these_script_links_and_raw_html(tmp_path: Path, line: str) -> None:
    from markdown_it import MarkdownIt

    src = tmp_path / "gazette.md"
    src.write_text("---\ntitle: G\n---\nThe council approved the plan.\n", encoding="utf-8")
    draft = tmp_path / "draft.md"
    draft.write_text(f"# G\n\nThey said “The council approved the plan.”\n\n{line}\n")
    result = cli("render", draft, "--source", src, "--format", "md")
    assert result.exit_code == 0, result.output
    permissive = MarkdownIt("commonmark", {"html": True})
    permissive.validateLink = lambda url: True  # type: ignore[method-assign]
    page = permissive.render(result.stdout).lower()
    for bad in ("<img", "<script", 'href="javascript:', 'src="javascript:'):
        assert bad not in page, bad


@pytest.mark.parametrize(
    "name", ["x\\rOK: 0 failed", "x\\e[2K\\e[1AOK", "x\\u202egnp.md", "x\\x9b31m"]
)
def test_control_characters_in_a_hostile_name_are_shown_escaped(tmp_path: Path, name: str) -> None:
    """A file name from a draft's front matter is printed in the error line: a carriage
    return, a terminal escape or a right-to-left override in it could rewrite what the
    editor's terminal shows (review of issue 14)."""
    draft = draft_with(tmp_path, f'{{path: "{name}"}}')
    line = one_line(cli("check", draft), 2, "no such file")
    assert line.isprintable(), repr(line)


def test_a_file_that_grows_while_read_is_read_whole_up_to_the_cap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # read_bytes asks for the size fstat gave and one byte more; a file that has grown since
    # is read on to the cap (then refused), not cut at its old size.
    grown = tmp_path / "grown.md"
    grown.write_bytes(b"word " * 200)  # 1,000 bytes; fstat will say 10
    real = os.fstat

    def stale(fd: int) -> os.stat_result:
        info = real(fd)
        return os.stat_result((*info[:6], 10, *info[7:]))

    from drafter.errors import InputError

    monkeypatch.setattr(ingest.os, "fstat", stale)
    assert ingest.read_bytes(grown) == b"word " * 200
    monkeypatch.setattr(ingest, "MAX_FILE_BYTES", 500)
    with pytest.raises(InputError, match="too large"):
        ingest.read_bytes(grown)
