"""The package layout reads like the pipeline, and imports only ever go forward.

Stages, in pipeline order: the shared top level (errors, models, resources, fsutil), then
``sources`` → ``checker`` → ``publishing`` → ``drafting``; ``cli`` and ``__main__`` are the shell
and may import anything. Every import counts, lazy ones inside functions included, since a lazy
import is still a dependency.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "drafter"
STAGES = ("sources", "checker", "publishing", "drafting")
SHELL = {"drafter.cli", "drafter.__main__"}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path, modules: set[str]) -> set[str]:
    """The drafter modules ``path`` imports (``from drafter.x import y`` counts ``drafter.x.y``
    when that is a module, else ``drafter.x``)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("drafter"))
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if not node.module.startswith("drafter"):
                continue
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                found.add(sub if sub in modules else node.module)
    return found & modules


def graph() -> dict[str, set[str]]:
    files = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    return {name: imports_of(path, set(files)) - {name} for name, path in files.items()}


def rank(module: str) -> int:
    """0 for the shared top level, 1.. for the stages in pipeline order, 99 for the shell."""
    if module in SHELL:
        return 99
    match = re.match(r"drafter\.(\w+)", module)
    if match and match.group(1) in STAGES:
        return 1 + STAGES.index(match.group(1))
    return 0


def backward_imports(edges: dict[str, set[str]]) -> list[str]:
    return sorted(
        f"{a} imports {b}"
        for a, targets in edges.items()
        for b in targets
        if rank(b) > rank(a) and b != "drafter"  # the package itself is only __version__
    )


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected component with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def test_every_module_is_in_a_stage_or_the_shared_top_level() -> None:
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert top == [
        "__init__.py", "__main__.py", "cli.py", "errors.py", "fsutil.py", "models.py",
        "profile.py", "resources.py",
    ]  # fmt: skip
    assert sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()) == sorted(
        STAGES
    )


def test_imports_only_go_forward_through_the_pipeline() -> None:
    assert backward_imports(graph()) == []


def test_no_import_cycles() -> None:
    assert cycles(graph()) == []


def test_only_cli_imports_click_and_only_llm_imports_anthropic() -> None:
    for path in PACKAGE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        name = module_name(path)
        if re.search(r"^\s*(import|from) click\b", text, re.M):
            assert name == "drafter.cli", name
        if re.search(r"^\s*(import|from) anthropic\b", text, re.M):
            assert name == "drafter.drafting.llm", name


@pytest.mark.parametrize(
    ("edges", "bad"),
    [
        ({"drafter.checker.verify": {"drafter.publishing.render"}}, "backward"),
        ({"drafter.errors": {"drafter.sources.ingest"}}, "backward"),
        ({"drafter.sources.a": {"drafter.sources.b"}, "drafter.sources.b": {"drafter.sources.a"}},
         "cycle"),
    ],
)  # fmt: skip
def test_the_rules_catch_what_they_name(edges: dict[str, set[str]], bad: str) -> None:
    """The checks above can fail: a backward import and a cycle are both caught."""
    if bad == "backward":
        assert backward_imports(edges)
    else:
        assert cycles(edges) == [sorted(edges)]


def test_the_readme_layout_matches_the_tree() -> None:
    """README § Layout names every module under its stage, and no module that is not there."""
    readme = (PACKAGE.parent / "README.md").read_text(encoding="utf-8")
    layout = readme.split("## Layout", 1)[1].split("```")[1]
    listed: dict[str, set[str]] = {}
    stage = ""
    for line in layout.splitlines():
        heading = re.match(r"  (\w+)/ ", line)
        if heading:
            stage = heading.group(1)
        elif re.match(r"\S", line):
            stage = ""
        listed.setdefault(stage, set()).update(re.findall(r"\b(\w+)\.py\b", line))
    for name in STAGES:
        actual = {p.stem for p in (PACKAGE / name).glob("*.py")} - {"__init__"}
        assert listed.get(name) == actual, name


def test_every_subpackage_ships_in_the_wheel() -> None:
    """pyproject lists packages by hand (templates/ and prompts/ are mapped into the wheel), so a
    new stage folder must be added there too, or a fresh install would lack it."""
    import tomllib

    config = tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text(encoding="utf-8"))
    shipped = set(config["tool"]["setuptools"]["packages"])
    assert {f"drafter.{stage}" for stage in STAGES} <= shipped
