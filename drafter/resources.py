"""Templates and prompts: shipped inside the wheel, overridable from a folder the user names.

A file ``NAME`` in the folder given with ``--templates DIR`` / ``--prompts DIR`` (or
``DRAFTER_TEMPLATES`` / ``DRAFTER_PROMPTS``) wins over the packaged one, so a writer can
adjust the house style without touching drafter itself. A ``templates/`` or ``prompts/``
folder that merely sits in the working directory is never used: that folder may have come
with a draft from someone else (DESIGN.md § Trust). Every template, packaged or not, renders
in Jinja2's ``SandboxedEnvironment`` (no attribute escapes to Python internals), and
rendering is strict: a missing variable is an error, never an empty string.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Literal

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from drafter.errors import DrafterError, InputError, one_line

# What a template's own expressions raise at run time and the sandbox lets through as Python
# errors (1 / 0, a sort of mixed types, a number too long to show, a macro calling itself, a
# file that is not UTF-8): the template's fault, one line naming it, not a traceback.
_RUNTIME = (ArithmeticError, LookupError, TypeError, ValueError, RecursionError)

Kind = Literal["templates", "prompts"]

# Folders named on the command line; they win over the environment variables.
_chosen: dict[Kind, Path | None] = {"templates": None, "prompts": None}


def use_overrides(*, templates: Path | None = None, prompts: Path | None = None) -> None:
    """Use these folders' files over the packaged ones (the CLI's ``--templates``/``--prompts``)."""
    _chosen["templates"] = templates
    _chosen["prompts"] = prompts


def packaged(kind: Kind) -> Path:
    """The shipped folder: ``drafter/<kind>`` in a wheel, ``<repo>/<kind>`` in a checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / kind, here.parent / kind):
        if candidate.is_dir():
            return candidate
    raise DrafterError(f"drafter's {kind} folder is missing from the installation; reinstall")


def _search_path(kind: Kind) -> list[str]:
    chosen = _chosen[kind] or os.environ.get(f"DRAFTER_{kind.upper()}") or None
    if chosen is None:
        return []
    local = Path(chosen)
    if not local.is_dir():
        raise InputError(str(local), f"is not a folder of {kind}")
    return [str(local)]


@cache
def _environment(kind: Kind, autoescape: bool, search: tuple[str, ...]) -> jinja2.Environment:
    loaders: list[jinja2.BaseLoader] = [jinja2.FileSystemLoader(list(search))] if search else []
    loaders.append(jinja2.FileSystemLoader(str(packaged(kind))))
    return SandboxedEnvironment(
        loader=jinja2.ChoiceLoader(loaders),
        undefined=jinja2.StrictUndefined,
        autoescape=autoescape,
        keep_trailing_newline=True,
    )


def environment(kind: Kind, *, autoescape: bool = False) -> jinja2.Environment:
    """A sandboxed Jinja2 environment for ``kind``; HTML templates must pass ``autoescape=True``."""
    return _environment(kind, autoescape, tuple(_search_path(kind)))


def render(
    kind: Kind, name: str, context: Mapping[str, object], *, autoescape: bool = False
) -> str:
    """Render template ``name``; a broken or unsafe (user-overridden) template is an
    ``InputError`` naming the file and the line, never a traceback."""
    env = environment(kind, autoescape=autoescape)
    try:
        return env.get_template(name).render(context)
    except jinja2.TemplateSyntaxError as exc:
        where = exc.filename or name
        raise InputError(where, f"template error at line {exc.lineno}: {exc.message}") from None
    except jinja2.TemplateError as exc:  # SecurityError (a sandbox escape) is one of these
        raise InputError(name, f"template error: {exc}") from None
    except _RUNTIME as exc:
        raise InputError(name, f"template error: {type(exc).__name__}: {one_line(exc)}") from None


def read(kind: Kind, name: str) -> str:
    """The raw text of a packaged (or overridden) file, e.g. the exemplar post."""
    env = environment(kind)
    assert env.loader is not None
    try:
        source, _, _ = env.loader.get_source(env, name)
    except UnicodeDecodeError:
        raise InputError(name, "template error: the file is not UTF-8 text") from None
    return source
