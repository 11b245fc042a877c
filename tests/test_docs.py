"""README.md documents every command where it is described, and every setting.

Each command and sub-command of the Typer app has a section in README.md (a
``###`` heading naming `` `paperscope <name>`` and what follows it up to the
next heading), and each of its long options appears in that section, not just
anywhere in the file. ``--db``, which every command takes, is documented once.
"""

from __future__ import annotations

import re

import pytest
import typer.main

from paperscope.cli import app
from paperscope.config import Settings
from tests.conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")
# Documented once for all commands, in "Using it".
EVERY_COMMAND = {"--db": "Every command takes `--db`"}


def commands() -> list[tuple[str, object]]:
    """``(name, click command)`` of every command, sub-commands as ``user add``."""

    def walk(cmd, prefix):
        for name, sub in sorted(getattr(cmd, "commands", {}).items()):
            full = f"{prefix} {name}".strip()
            if getattr(sub, "commands", None):
                yield from walk(sub, full)
            else:
                yield full, sub

    return list(walk(typer.main.get_command(app), ""))


def long_options(command) -> list[str]:
    return sorted(
        opt
        for param in command.params
        for opt in param.opts
        if opt.startswith("--") and opt != "--help"
    )


def section(name: str) -> str | None:
    """The README text under the ``###`` heading that names `` `paperscope NAME``
    (with or without arguments after it), up to the next heading."""
    heading = re.compile(
        r"^###[^\n]*`paperscope " + re.escape(name) + r"(?:[ `][^\n]*)?$", re.MULTILINE
    )
    m = heading.search(README)
    if m is None:
        return None
    end = re.compile(r"^##", re.MULTILINE).search(README, m.end())
    return README[m.end() : end.start() if end else len(README)]


COMMANDS = commands()


def test_the_app_has_the_commands_and_sub_commands_this_test_expects():
    names = {name for name, _ in COMMANDS}
    assert {"init", "search", "user add", "digest send", "harvest arxiv", "serve"} <= names


@pytest.mark.parametrize(("name", "command"), COMMANDS, ids=[n for n, _ in COMMANDS])
def test_each_command_documents_its_options_in_its_own_section(name, command):
    text = section(name)
    assert text is not None, f"README has no ### heading for `paperscope {name}`"
    missing = [
        opt
        for opt in long_options(command)
        if opt not in EVERY_COMMAND and not re.search(re.escape(opt) + r"(?![\w-])", text)
    ]
    assert not missing, f"README's `paperscope {name}` section does not mention {missing}"


def test_the_options_every_command_takes_are_documented_once():
    for opt, sentence in EVERY_COMMAND.items():
        assert any(opt in long_options(c) for _, c in COMMANDS), opt
        assert sentence in README


def test_a_section_is_only_its_own_text():
    """The check above must not pass on an option another section mentions."""
    search, stats = section("search"), section("stats")
    assert search is not None and stats is not None
    assert "--min-upvotes" in search and "--min-upvotes" not in stats
    assert "### " not in search and "## " not in search


def test_every_environment_variable_is_documented():
    missing = [name for name in Settings.variables() if name not in README]
    assert not missing, f"README does not mention {missing}"
