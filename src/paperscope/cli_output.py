"""The CLI's output, and the one place its errors become messages.

Input a person can fix (:class:`~paperscope.errors.BadInput`, a bad setting,
a database that cannot be opened) is ``error: ...`` and exit status 2; a
failure of the work (a damaged database, a full disk, a closed pipe, a
read-only folder, a lost connection) is ``error: ...`` naming the database or
file, and exit status 1. Never a traceback for those; an error none of these
names is a bug, and its traceback is what to report.

Standard output is written through :class:`_Stdout`, so that a failed write
(``export > /dev/full``, ``show | head``) fails the command with a message
instead of a traceback at exit.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import typer
from rich.console import Console
from typer.core import TyperGroup

from paperscope.config import SettingsError
from paperscope.errors import BadInput
from paperscope.store import StoreError
from paperscope.store.base import redact
from paperscope.store.sqlite import StoreFailure, describe_error

STDOUT = "standard output"
# The library the command at hand opened, for the messages of errors that name it.
opened: dict[str, str] = {}


class Failed(Exception):
    """A failure the command has put in words: ``error: MESSAGE``, exit ``code``."""

    def __init__(self, message: str, code: int = 1):
        super().__init__(message)
        self.code = code


class Commands(TyperGroup):
    """The ``paperscope`` command group: every error a person can act on
    becomes ``error: ...`` on standard error and an exit status, never a
    traceback (see :func:`explain`)."""

    def invoke(self, ctx: Any) -> Any:
        opened.clear()
        try:
            return super().invoke(ctx)
        except Exception as exc:
            raise typer.Exit(report(exc, opened.get("location"))) from None


def report(exc: Exception, location: str | None = None) -> int:
    """Print ``error: ...`` for an error people can act on and return its exit
    status; re-raise anything else (a bug: its traceback is what to report)."""
    found = explain(exc, location)
    if found is None:
        raise exc
    code, message = found
    err.print(f"error: {message}", markup=False)
    return code


def explain(exc: BaseException, location: str | None = None) -> tuple[int, str] | None:
    """``(exit status, message)`` for an error people can act on, else None.

    ``location`` is the library in use (a path, or a URL without password).
    """
    where = location or "the database"
    if isinstance(exc, Failed):
        return exc.code, str(exc)
    if isinstance(exc, StoreFailure):  # a damaged database, a full disk
        return 1, str(exc)
    if isinstance(exc, BadInput | SettingsError | StoreError):
        return 2, str(exc)
    if isinstance(exc, UnicodeEncodeError) and "surrogates" in exc.reason:
        text = exc.object[max(0, exc.start - 20) : exc.end + 20]
        return 2, f"{text!r} holds bytes that are not UTF-8 text: paperscope reads UTF-8"
    if isinstance(exc, sqlite3.DatabaseError):
        return 1, describe_error(where, exc)
    psycopg = sys.modules.get("psycopg")
    if psycopg is not None and isinstance(exc, psycopg.Error):
        return 1, f"{where}: {redact(' '.join(str(exc).split()))}"
    if isinstance(exc, OSError):
        reason = exc.strerror or str(exc)
        if exc.filename is None and _printing_help(exc):
            _silence_stdout()
            return 1, f"cannot write to {STDOUT}: {reason}"
        if exc.filename is None:
            return 1, reason
        if exc.filename2 is not None:
            return 1, f"cannot move {exc.filename} to {exc.filename2}: {reason}"
        return 1, f"{exc.filename}: {reason}"
    return None


def _printing_help(exc: BaseException) -> bool:
    """Whether ``exc`` came from Typer printing help or usage (to standard
    output: the commands' own output goes through :class:`_Stdout`)."""
    frames = traceback.extract_tb(exc.__traceback__)
    return any(f.name == "echo" and f"{os.sep}typer{os.sep}" in f.filename for f in frames)


def _silence_stdout() -> None:
    """Point standard output at /dev/null once writing to it failed, so that
    Python's own flush at exit does not fail again (and print a traceback)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, sys.stdout.fileno())
        finally:
            os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass  # not a real file (a test's capture): nothing will flush it at exit


@contextmanager
def writing(target: str) -> Iterator[None]:
    """Writes to ``target`` (a file, or STDOUT) that fail (a full disk, a
    closed pipe, a read-only folder) fail the command with a message naming it."""
    try:
        yield
    except OSError as exc:
        if target == STDOUT:
            _silence_stdout()
        reason = exc.strerror or str(exc)
        if isinstance(exc, FileExistsError | NotADirectoryError) and exc.filename:
            reason = f"{exc.filename} is not a folder"
        raise Failed(f"cannot write to {target}: {reason}") from None


class _Stdout:
    """``sys.stdout`` as the console sees it (looked up on every write, as
    tests replace it), with failed writes turned into one clear error."""

    def write(self, text: str) -> int:
        with writing(STDOUT):
            return sys.stdout.write(text)

    def flush(self) -> None:
        with writing(STDOUT):
            sys.stdout.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(sys.stdout, name)


# Markup is off: titles, file names and queries are printed as they are.
out = Console(file=_Stdout(), highlight=False, soft_wrap=True, markup=False)  # type: ignore[arg-type]
err = Console(stderr=True, highlight=False, soft_wrap=True, markup=False)
