"""One user-facing error type.

Everything a user can get wrong (a bad file, an unknown value, a missing
model) is raised as :class:`StanceError`; the CLI turns it into one line on
stderr and a non-zero exit code, never a traceback.
"""

from __future__ import annotations

from pathlib import Path


class StanceError(Exception):
    """An error caused by user input, rendered as ``FILE:LINE: field: problem``."""

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        self.message = message
        self.path = None if path is None else str(path)
        self.line = line
        self.field = field
        super().__init__(str(self))

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = self.path if self.line is None else f"{self.path}:{self.line}"
            where += ": "
        field = f"{self.field}: " if self.field else ""
        return f"{where}{field}{self.message}"


class StorageError(StanceError):
    """A file could not be written (a full disk, a read-only folder).

    Unlike a wrong key in a session, this stops the command: carrying on
    would show labels as taken that are not on disk.
    """


class StanceWarning(UserWarning):
    """Something a user should know that is not fatal, located like :class:`StanceError`.

    The library never prints; it warns, and the CLI shows the warning as one
    line on stderr.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        self.located = StanceError(message, path=path, line=line, field=field)
        super().__init__(str(self.located))
