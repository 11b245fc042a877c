"""Every real file in ../shared/data/real-formats through the real import path.

Each file goes through ``Library.import_file`` with format detection, as the
CLI does, into a fresh SQLite library; a few go through the CLI itself in a
child process. Whatever the file, the import must end in a report (never an
exception), and the report must either have imported papers or say why not.
No stored title may be junk. Per-format counts and field values are the format
owners' tests; this one only holds every importer to the same floor.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from paperscope.library import Library
from tests.importers.realfiles import REAL, junk_titles, message_junk, real_files, rel

FILES = real_files()

# One file per folder of real-formats, with the good path and the bad paths:
# records imported, a bad record reported by line, a file refused as a whole.
CLI_FILES = [
    "atom/q_testing_s0_m10_bc5a6c384fe9.xml",
    "bibtex/ads/AMReX-Astro+Castro__paper_paper.bib",
    "bibtex/jabref/encoding-windows-1252-with-header.bib",
    "hf/trending-page-saved-as-markdown.txt",
    "oai/arxivraw/live_cs_CV_arXivRaw.xml",
    "oai/paperhive/ph_malformed_arxiv.xml",
    "other/RisImporterTest1.ris",
]


def test_the_real_files_are_there(shared):
    folders = {rel(p).split("/")[0] for p in FILES}
    assert {"atom", "bibtex", "hf", "oai", "other"} <= folders, f"found only {sorted(folders)}"
    assert len(FILES) >= 250, f"expected the whole collection, found {len(FILES)} files"
    assert all((REAL / name).is_file() for name in CLI_FILES)


@pytest.mark.parametrize("path", FILES, ids=[rel(p) for p in FILES])
def test_a_real_file_imports_or_says_why(path: Path, tmp_path):
    with Library(tmp_path / "library.db") as lib:
        report = lib.import_file(path)  # never raises for bad input: that is its contract
        titles = [paper.title for paper in lib.papers()]
        stored = lib.count()
    messages = [report.error] if report.error is not None else []
    messages += [problem.message for problem in report.problems]
    assert report.status in ("done", "failed"), report
    assert report.added >= 1 or messages, (
        f"{rel(path)} ({report.format}): imported nothing and said nothing about why"
    )
    unclear = [why for why in map(message_junk, messages) if why]
    assert not unclear, f"{rel(path)}: {unclear[:3]}"
    assert all(p.line is None or p.line >= 0 for p in report.problems)
    assert stored == report.added, f"{report.added} added, but the library holds {stored}"
    junk = junk_titles(path, titles)
    assert not junk, f"{rel(path)} ({report.format}): {len(junk)} junk title(s): {junk[:5]}"


@pytest.mark.parametrize(
    ("title", "junk"),
    [
        ("Attention Is All You Need", False),
        ("g2", False),  # JabRef's test library has titles like this: short is not junk
        ("0", True),  # unless the file proves it (arXiv:2104.12255 is called "0")
        ("1998", True),
        (" -- ; ", True),
        ("https://continuous-audio-language-models.github.io", True),
        ("doi:10.1000/xyz", True),
        ("### MemOS: A Memory OS for AI System", True),
        ("- 8 authors", True),
        ("8 authors", True),
        ("[LINK: GitHub 11.3k](https://github.com/microsoft/agent-lightning)", True),
        ("C# in Depth", False),
    ],
)
def test_the_junk_title_check(title, junk, tmp_path):
    elsewhere = tmp_path / "x.xml"
    elsewhere.write_bytes(b"<title>0</title>")
    assert bool(junk_titles(elsewhere, [title])) is junk


def test_a_real_title_that_looks_like_junk_is_kept_only_where_the_file_says_so():
    odd = REAL / "atom/id_2104.12255v1_s0_m100_6ae69987ffe1.xml"
    other = REAL / "atom/id_1605.08386_s0_m100_199195aa31ad.xml"
    assert junk_titles(odd, ["0"]) == []
    assert junk_titles(odd, ["1"]) and junk_titles(other, ["0"])


@pytest.mark.parametrize("name", CLI_FILES)
def test_the_cli_imports_a_real_file_without_a_traceback(name: str, tmp_path):
    path = REAL / name
    env = {**os.environ, "PAPERSCOPE_DB": str(tmp_path / "library.db")}
    env.pop("PAPERSCOPE_SHARED", None)
    run = subprocess.run(
        [sys.executable, "-m", "paperscope", "import", "--quiet", str(path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,  # a hang guard only: the import takes about a second
    )
    output = run.stdout + run.stderr
    assert "Traceback" not in output, output[-3000:]
    assert run.returncode in (0, 1), f"exit status {run.returncode}: {output[-3000:]}"
    # Every line the CLI prints names the file: "FILE:LINE: ...", "FILE: error: ..."
    # or "FILE (format): N added, ...".
    lines = [line for line in output.splitlines() if line.strip()]
    assert lines, "the CLI printed nothing"
    assert all(line.startswith(str(path)) for line in lines), output
    added = re.search(r"\): ([\d,]+) added", output)
    error = re.search(rf"^{re.escape(str(path))}(?::\d+)?: (?:error: )?(.+)$", output, re.M)
    assert (added and int(added[1].replace(",", "")) >= 1) or error, output
    if run.returncode == 1:
        assert error and message_junk(error[1]) is None, output
