"""The tool's exception tree; the CLI maps each branch to one exit code.

Two branches, as python-tuf has them: the data is bad (``DataError``) versus the data could not
be had (``FetchError``). Users act differently on each, so they exit differently.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_INCOMPLETE = 3


class GomodcheckError(Exception):
    """Root of every error the tool reports to a user."""

    exit_code = EXIT_INCOMPLETE

    def diagnostics(self) -> str:
        """The text shown to the user, one or more lines, no traceback."""
        return str(self)


class UsageError(GomodcheckError):
    """The command line or configuration asks for something that cannot be done."""

    exit_code = EXIT_USAGE


class DataError(GomodcheckError):
    """The data is bad: malformed input, a failed verification, a security error."""

    exit_code = EXIT_USAGE


@dataclass(frozen=True)
class Problem:
    """One problem at one place in one file."""

    file: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        # The go command leaves out the column when it is 1 (start of line): keep its shape.
        if self.line <= 0:
            return f"{self.file}: {self.message}" if self.file else self.message
        if self.column > 1:
            return f"{self.file}:{self.line}:{self.column}: {self.message}"
        return f"{self.file}:{self.line}: {self.message}"


class ParseError(DataError):
    """Malformed input; carries every problem found, each with its file, line and column."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    @classmethod
    def at(cls, file: str, line: int, column: int, message: str) -> ParseError:
        return cls([Problem(file, line, column, message)])


class InputError(DataError):
    """Input that is not a parse error: unreadable, too large, the wrong kind of file."""


class VerificationError(DataError):
    """Data was read but does not verify (a hash, a signature, a proof)."""

    exit_code = EXIT_FINDINGS


class SecurityError(VerificationError):
    """Proof that a server or a file lies: a forked log, a record that contradicts another."""

    def __init__(self, message: str, evidence: Sequence[str] = ()) -> None:
        self.evidence = tuple(evidence)
        super().__init__(message)

    def diagnostics(self) -> str:
        parts = ["SECURITY ERROR", str(self), *self.evidence]
        return "\n".join(p for p in parts if p)


class FetchError(GomodcheckError):
    """The data could not be had: network failure, server error, timeout. Fail closed."""

    exit_code = EXIT_INCOMPLETE


class NotFoundError(FetchError):
    """The server answered that the thing does not exist (404 or 410)."""
