"""Every error drafter reports to a user, each carrying its process exit code.

Third-party exceptions are translated into these at the adapter that calls the
library; the CLI catches ``DrafterError`` in one place and prints one line.
"""

from __future__ import annotations

# Exit codes (DESIGN.md § Output contracts), shared by every command.
EXIT_OK = 0
EXIT_CHECK_FAILED = 1
EXIT_BAD_INPUT = 2
EXIT_MODEL_FAILED = 3
EXIT_INTERRUPTED = 130  # Ctrl-C: 128 + SIGINT, as shells report it


class DrafterError(Exception):
    """Base class: a message for the user and the exit code to leave with."""

    exit_code = EXIT_BAD_INPUT

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


def printable(text: str) -> str:
    """``text`` with every character a terminal acts on or hides (a carriage return, an
    escape, a right-to-left override: anything not printable) as its Python escape. A file
    name can come from someone else's draft and is printed on the editor's terminal."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


class InputError(DrafterError):
    """A file or argument drafter cannot use. Names the file (shown ``printable``) and the
    problem."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{printable(path)}: {problem}")
        self.path = path
        self.problem = problem


class UsageError(DrafterError):
    """The command was called in a way that cannot work."""


class OutputExistsError(DrafterError):
    """Refusing to overwrite a file the user has not asked us to replace."""

    def __init__(self, path: str, flag: str = "--force") -> None:
        super().__init__(
            f"{path}: already exists; pass {flag} to replace it (the old one is kept as a version)"
        )
        self.path = path


class ModelServiceError(DrafterError):
    """The language-model service failed after the SDK's own retries."""

    exit_code = EXIT_MODEL_FAILED


class ModelAnswerError(ModelServiceError):
    """The model's answer was cut off or not in the requested shape. ``partial`` keeps
    whatever did arrive, so that it can be written to disk rather than lost."""

    def __init__(self, message: str, partial: object = None) -> None:
        super().__init__(message)
        self.partial = partial


class AnswerInterruptedError(ModelAnswerError):
    """Ctrl-C while the model was answering: what arrived is kept like any cut answer, and
    the exit code is the interrupt's (130), not the service's (3)."""

    exit_code = EXIT_INTERRUPTED


class UnverifiedQuotesError(DrafterError):
    """The render gate: a quote fails its check and the render was not forced."""

    exit_code = EXIT_CHECK_FAILED


class RenderMismatchError(DrafterError):
    """A rendered output's quotes differ from the checked ones: a bug that stops the render."""


def one_line(exc: BaseException) -> str:
    """An ``OSError`` (or a decoding or value error) as one line naming the file, if any:
    ``path: No space left on device``."""
    if isinstance(exc, OSError):
        problem = exc.strerror or str(exc)
        name = exc.filename if exc.filename is not None else ""
        return f"{name}: {problem}" if name else problem
    text = " ".join(str(exc).split())
    return text or type(exc).__name__
