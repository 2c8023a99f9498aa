"""What a user types and what drafter writes: no output overwrites an input, an existing file
is replaced only with --replace (and kept as a version), exit codes and summaries tell a
script the truth, and the options read as people type them."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import stat
import tempfile
import threading
from pathlib import Path

import pytest

from .conftest import EXAMPLE, ROOT, run, run_json

PASSING = ROOT / "tests" / "golden" / "render" / "draft.md"


@pytest.fixture
def post(tmp_path: Path) -> Path:
    """A copy of the example post and its source, the source listed in its front matter."""
    shutil.copy(EXAMPLE / "scmp.md", tmp_path / "scmp.md")
    draft = tmp_path / "d.md"
    body = (EXAMPLE / "draft.md").read_text(encoding="utf-8")
    draft.write_text("---\nsources: [{path: scmp.md}]\n---\n" + body, encoding="utf-8")
    return draft


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize(
    "args",
    [
        ["check", "{d}", "--format", "md", "-o", "{d}"],
        ["check", "{d}", "-o", "{src}"],  # a source from the front matter
        ["check", "{d}", "--source", "{other}", "-o", "{other}"],
        ["check", "{d}", "-o", "{link}", "--replace"],  # a hard link to the draft
        ["check", "{d}", "-o", "{sym}", "--replace"],  # a symbolic link to the draft
        ["check", "{d}", "-o", "{d}", "--replace"],
        ["render", "{d}", "--format", "md", "-o", "{d}", "--force"],
        ["render", "{d}", "--force", "-o", "{src}", "--replace"],
        ["render", "{d}", "--force", "--out", "{d}"],  # the old spelling
        ["check", "{d}", "--library-path", "{lib}", "-o", "{lib}"],
    ],
)
def test_an_output_that_is_an_input_is_refused_and_the_input_untouched(
    post: Path, args: list[str]
) -> None:
    folder = post.parent
    other = folder / "other.md"
    other.write_text("Another source.\n", encoding="utf-8")
    os.link(post, folder / "hard.md")
    (folder / "sym.md").symlink_to(post)
    lib = folder / "lib.sqlite"
    assert run("sources", "add", folder / "scmp.md", "--library-path", lib).exit_code == 0
    names = {"d": post, "src": folder / "scmp.md", "other": other, "link": folder / "hard.md",
             "sym": folder / "sym.md", "lib": lib}  # fmt: skip
    before = _snapshot(folder)
    result = run(*[a.format(**names) for a in args])
    assert result.exit_code == 2, result.output
    assert "is one of this command's inputs" in result.stderr
    assert result.stderr.count("\n") <= 2  # the one line (and a deprecation warning)
    assert _snapshot(folder) == before


def test_draft_refuses_an_output_folder_where_a_source_has_an_output_name(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    source = folder / "draft.md"
    shutil.copy(EXAMPLE / "scmp.md", source)
    before = source.read_bytes()
    args = ["draft", source, "--angle", "x", "--offline", "--out-dir", folder, "--force"]
    result = run(*args)
    assert result.exit_code == 2 and "is one of this command's inputs" in result.stderr
    assert source.read_bytes() == before
    notes = folder / "report.md"
    notes.write_text("my notes\n", encoding="utf-8")
    other = run("draft", EXAMPLE / "scmp.md", "--angle", "x", "--notes", notes, "-d", folder)
    assert other.exit_code == 2 and notes.read_text(encoding="utf-8") == "my notes\n"


@pytest.mark.parametrize("kind", ["notes", "source"])
def test_draft_refuses_a_source_snapshot_that_would_land_on_an_input(
    tmp_path: Path, kind: str
) -> None:
    # `scmp.md` is kept as out/sources/scmp.md: the writer's file there (notes, or another
    # source) must not be replaced by the snapshot.
    mine = tmp_path / "out" / "sources" / "scmp.md"
    mine.parent.mkdir(parents=True)
    mine.write_text("My notes on the SCMP piece: quote the He Kaiming part.\n", encoding="utf-8")
    before = _snapshot(tmp_path)
    extra = ["--notes", mine] if kind == "notes" else [mine]
    result = run("draft", EXAMPLE / "scmp.md", *extra, "--angle", "x", "--offline", "-d",
                 tmp_path / "out")  # fmt: skip
    assert result.exit_code == 2, result.output
    assert "sources/scmp.md: is one of this command's inputs" in result.stderr
    assert _snapshot(tmp_path) == before  # the notes untouched, nothing written


@pytest.mark.parametrize("kind", ["fifo", "loop", "dangling"])
def test_an_output_that_is_no_regular_file_is_one_line_never_a_hang_or_a_traceback(
    post: Path, kind: str
) -> None:
    # `-o /dev/stdout --replace` (a pipe) and a named pipe hung for ever reading the "old
    # version"; a symbolic link loop was a traceback; a dangling link was replaced unasked.
    out = post.parent / "out.txt"
    if kind == "fifo":
        os.mkfifo(out)
        # The other end, so that the old code's read ends instead of hanging the suite.
        threading.Thread(target=lambda: os.close(os.open(out, os.O_WRONLY)), daemon=True).start()
    elif kind == "loop":
        out.symlink_to(out.name)
    else:
        out.symlink_to(post.parent / "missing" / "x.txt")
    try:
        result = run("check", post, "-o", out, "--replace")
    finally:
        if kind == "fifo":  # release the writer thread when nothing opened the pipe
            with contextlib.suppress(OSError):
                os.close(os.open(out, os.O_RDONLY | os.O_NONBLOCK))
    assert result.exit_code == 2, result.output
    assert result.stderr.strip().splitlines() == [result.stderr.strip()]
    assert f"{out}: is not a regular file" in result.stderr
    assert out.is_symlink() if kind != "fifo" else stat.S_ISFIFO(out.lstat().st_mode)
    assert sorted(p.name for p in post.parent.iterdir()) == ["d.md", "out.txt", "scmp.md"]


def test_replacing_an_output_in_a_folder_that_takes_no_new_file_is_one_line(
    post: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A read-only folder (as a user other than root sees it): keeping the old version cannot
    # make its copy there. That was a traceback (FileNotFoundError/PermissionError).
    out = post.parent / "report.txt"
    out.write_text("last week's report\n", encoding="utf-8")

    def refuse(*args: object, **kwargs: object) -> tuple[int, str]:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    result = run("check", post, "-o", out, "--replace")
    assert result.exit_code == 2, result.output
    assert result.stderr == f"drafter: error: {post.parent}: cannot write: Permission denied\n"
    assert out.read_text(encoding="utf-8") == "last week's report\n"


def test_an_existing_output_is_replaced_only_with_replace_and_kept_as_a_version(
    tmp_path: Path,
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("an unrelated file\n", encoding="utf-8")
    for args in (["render", PASSING], ["check", PASSING, "--format", "md"]):
        result = run(*args, "-o", notes)
        assert result.exit_code == 2 and "already exists; pass --replace" in result.stderr
        assert notes.read_text(encoding="utf-8") == "an unrelated file\n"
    result = run("check", PASSING, "--format", "md", "-o", notes, "--replace")
    assert result.exit_code == 0
    assert f"kept as {tmp_path / 'notes.v1.txt'}" in result.stderr
    assert (tmp_path / "notes.v1.txt").read_text(encoding="utf-8") == "an unrelated file\n"
    assert notes.read_text(encoding="utf-8").startswith("# Provenance report")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt", "notes.v1.txt"]


def test_replace_keeps_the_version_where_there_are_no_hard_links(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A FAT/exFAT stick or a network share: os.link fails with EPERM. --replace (and draft
    # --force, revise) said "cannot write: Operation not permitted" and could not replace.
    def no_links(src: object, dst: object) -> None:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    notes = tmp_path / "notes.txt"
    notes.write_text("an unrelated file\n", encoding="utf-8")
    (tmp_path / "notes.v1.txt").write_text("an older version\n", encoding="utf-8")
    result = run("check", PASSING, "--format", "md", "-o", notes, "--replace")
    assert result.exit_code == 0, result.output
    assert f"kept as {tmp_path / 'notes.v2.txt'}" in result.stderr
    assert (tmp_path / "notes.v1.txt").read_text(encoding="utf-8") == "an older version\n"
    assert (tmp_path / "notes.v2.txt").read_text(encoding="utf-8") == "an unrelated file\n"
    assert notes.read_text(encoding="utf-8").startswith("# Provenance report")
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "notes.txt",
        "notes.v1.txt",
        "notes.v2.txt",
    ]


def test_output_dash_is_stdout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # As Unix tools read it; it wrote a file named "-" (and then wanted --replace for it).
    monkeypatch.chdir(tmp_path)
    for args in (["check", PASSING, "--format", "json"], ["render", PASSING, "--format", "md"]):
        result = run(*args, "-o", "-")
        assert result.exit_code == 0, result.output
        assert result.stdout.startswith(("{", "# AI: US AI Talent hunt"))
    profile = run("init", "-o", "-")
    assert profile.exit_code == 0 and 'name = "RTZ"' in profile.stdout
    assert list(tmp_path.iterdir()) == []


def test_two_outputs_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # -o and the old --out both given: one was silently dropped (the --out file).
    monkeypatch.chdir(tmp_path)
    both = run("render", PASSING, "-o", "a.html", "--out", "b.html")
    assert both.exit_code == 2 and "give one output" in both.stderr
    assert list(tmp_path.iterdir()) == []


def test_forced_render_writes_the_marked_output_and_exits_1(tmp_path: Path) -> None:
    out = tmp_path / "post.html"
    result = run("render", EXAMPLE / "draft.md", "--force", "-o", out)
    assert result.exit_code == 1  # `drafter render --force … && publish` publishes nothing
    assert 'class="quote-failed"' in out.read_text(encoding="utf-8")


@pytest.mark.parametrize("strict", [False, True])
def test_summaries_add_up_in_every_mode(strict: bool) -> None:
    flags = ["--strict"] if strict else []
    _, report = run_json("check", EXAMPLE / "draft.md", *flags)
    s = report["summary"]
    assert s["passed"] + s["failed"] + s["unchecked"] == s["quotes"] == 28
    assert s["failed"] == sum(not q["passed"] for q in report["quotes"])
    line = run("check", EXAMPLE / "draft.md", *flags).stdout.strip().splitlines()[-1]
    numbers = re.match(r"FAIL: (\d+) quotes, (\d+) passed, (\d+) failed", line)
    assert numbers is not None, line
    quotes, passed, failed = map(int, numbers.groups())
    unchecked = re.search(r"failed, (\d+) unchecked", line)
    assert passed + failed + (int(unchecked.group(1)) if unchecked else 0) == quotes, line
    if strict:  # the unchecked quotes are among the failures, counted once
        assert line.startswith("FAIL: 28 quotes, 15 passed, 13 failed (6 of them unchecked")


def test_check_library_does_not_swallow_the_draft(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DRAFTER_LIBRARY", raising=False)
    assert run("sources", "add", EXAMPLE / "scmp.md").exit_code == 0  # the default library
    draft = tmp_path / "d.md"
    draft.write_text(
        "“US chip giant Nvidia has hired two prominent artificial intelligence (AI) experts "
        "who hail from China”, the SCMP reports.\n",
        encoding="utf-8",
    )
    for args in (["--library", "d.md"], ["d.md", "--library"]):
        result = run("check", *args)
        assert result.exit_code == 0, result.output
        assert "q1 line 1" in result.stdout and "✓ exact" in result.stdout
    other = run("check", "d.md", "--library-path", tmp_path / ".drafter" / "library.sqlite")
    assert other.exit_code == 0, other.output


def test_drafter_alone_prints_help_in_workflow_order_and_exits_0() -> None:
    result = run()
    assert result.exit_code == 0 and result.stdout.startswith("Usage: drafter")
    commands = result.stdout.split("Commands:", 1)[1].strip().splitlines()
    names = [line.split()[0] for line in commands]
    assert names == [
        "init", "sources", "draft", "revise", "check", "render", "chunk", "models", "logs", "costs",
    ]  # fmt: skip
    for line in commands:  # whole sentences, never cut off with "..."
        assert line.rstrip().endswith(".") and not line.rstrip().endswith("..."), line
    assert run("--version").stdout.startswith("drafter, version ")


def test_sources_help_lists_its_commands_in_workflow_order_in_whole_sentences() -> None:
    result = run("sources", "--help")
    assert result.exit_code == 0
    lines = result.stdout.split("Commands:", 1)[1].strip().splitlines()
    summaries = {line.split()[0]: line.split(None, 1)[1] for line in lines}
    ours = {"add": "Add", "list": "List", "show": "Show", "search": "Find", "remove": "Remove"}
    assert [name for name in summaries if name in ours] == list(ours)  # as README lists them
    for name, verb in ours.items():  # a sentence: its verb first, a full stop last
        assert summaries[name].split()[0] == verb, summaries[name]
        assert summaries[name].endswith(".") and not summaries[name].endswith("...")


def test_old_option_spellings_still_work_with_a_warning(tmp_path: Path) -> None:
    out = tmp_path / "post.html"
    result = run("render", PASSING, "--out", out)
    assert result.exit_code == 0 and out.exists()
    assert "--out FILE is deprecated; use -o/--output FILE" in result.stderr


def test_revise_refuses_a_draft_that_lists_an_output_as_its_source(tmp_path: Path) -> None:
    draft = tmp_path / "post.md"
    text = "---\nsources: [{path: report.md}]\n---\n# A post\n"
    draft.write_text(text, encoding="utf-8")
    source = tmp_path / "report.md"
    source.write_text("The source article.\n", encoding="utf-8")
    result = run("revise", draft, "--note", "shorter")
    assert result.exit_code == 2 and "is one of this command's inputs" in result.stderr
    assert source.read_text(encoding="utf-8") == "The source article.\n"
    assert draft.read_text(encoding="utf-8") == text
