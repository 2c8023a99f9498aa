"""Templates and prompts: shipped inside the wheel, overridable from the user's folder.

A file ``templates/NAME`` or ``prompts/NAME`` in the current directory (or in the folder
named by ``DRAFTER_TEMPLATES`` / ``DRAFTER_PROMPTS``) wins over the packaged one, so a writer
can adjust the house style without touching drafter itself. Rendering is strict: a missing
variable is an error, never an empty string.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Literal

import jinja2

from drafter.errors import DrafterError, InputError

Kind = Literal["templates", "prompts"]


def packaged(kind: Kind) -> Path:
    """The shipped folder: ``drafter/<kind>`` in a wheel, ``<repo>/<kind>`` in a checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / kind, here.parent / kind):
        if candidate.is_dir():
            return candidate
    raise DrafterError(f"drafter's {kind} folder is missing from the installation; reinstall")


def _search_path(kind: Kind) -> list[str]:
    override = os.environ.get(f"DRAFTER_{kind.upper()}")
    local = Path(override) if override else Path.cwd() / kind
    return [str(local)] if local.is_dir() else []


@cache
def _environment(kind: Kind, autoescape: bool, search: tuple[str, ...]) -> jinja2.Environment:
    loaders: list[jinja2.BaseLoader] = [jinja2.FileSystemLoader(list(search))] if search else []
    loaders.append(jinja2.FileSystemLoader(str(packaged(kind))))
    return jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        undefined=jinja2.StrictUndefined,
        autoescape=autoescape,
        keep_trailing_newline=True,
    )


def environment(kind: Kind, *, autoescape: bool = False) -> jinja2.Environment:
    """A Jinja2 environment for ``kind``; HTML templates must pass ``autoescape=True``."""
    return _environment(kind, autoescape, tuple(_search_path(kind)))


def render(
    kind: Kind, name: str, context: Mapping[str, object], *, autoescape: bool = False
) -> str:
    """Render template ``name``; a broken (user-overridden) template is an ``InputError``
    naming the file and the line, never a traceback."""
    env = environment(kind, autoescape=autoescape)
    try:
        return env.get_template(name).render(context)
    except jinja2.TemplateSyntaxError as exc:
        where = exc.filename or name
        raise InputError(where, f"template error at line {exc.lineno}: {exc.message}") from None
    except jinja2.TemplateError as exc:
        raise InputError(name, f"template error: {exc}") from None


def read(kind: Kind, name: str) -> str:
    """The raw text of a packaged (or overridden) file, e.g. the exemplar post."""
    env = environment(kind)
    assert env.loader is not None
    source, _, _ = env.loader.get_source(env, name)
    return source
