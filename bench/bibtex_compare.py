"""Our BibTeX reader against bibtexparser 2 and pybtex, on the real .bib files.

    .venv/bin/python bench/bibtex_compare.py [--files]

Reads every .bib file under ../shared/data/real-formats/bibtex with
``paperscope.importers.bibtex.parse``, with bibtexparser 2.x (its default
middlewares, then LaTeX decoding and name splitting) and with pybtex (lenient
mode, names rendered as text), and prints per folder:

- files: how many each reader gets through (bibtexparser and pybtex are given
  the file as UTF-8, as their ``parse_file`` does by default; a file that is not
  UTF-8 is counted as failed, then read as our reader decoded it, for the rest);
- entries: records found (ours: papers and per-entry errors; bibtexparser:
  entries and failed blocks; pybtex: entries);
- titled: entries with a non-empty title;
- names: author names, and how many still hold TeX (a backslash, brace, tilde or
  dollar) after each reader's decoding;
- same: entries whose folded title all three readers found.

Needs bibtexparser (2.x, with pylatexenc) and pybtex, which the service does not
use: ``.venv/bin/pip install -c constraints.txt -e '.[bench]'``.
"""

from __future__ import annotations

import argparse
import codecs
import io
import re
import warnings
from collections import Counter
from pathlib import Path

import bibtexparser
import bibtexparser.middlewares as bm
import latexcodec  # noqa: F401 - registers the "ulatex" codec (pybtex's own dependency)
import pybtex.database
import pybtex.errors
import pybtex.io

from paperscope.importers import bibtex
from paperscope.importers.base import FormatError, peek_head, read_text_lines
from paperscope.models import title_key

ROOT = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "real-formats" / "bibtex"
TEX = re.compile(r"[\\{}~$]")


def ours(data: bytes) -> tuple[bool, list[str], list[str], int]:
    try:
        items = list(bibtex.parse(io.BytesIO(data)))
    except FormatError:
        return True, [], [], 0  # read; the file holds no entries (a clear message)
    titles = [title_key(i.paper.title) for i in items if i.paper]
    names = [n for i in items if i.paper for n in i.paper.authors]
    return True, titles, names, len(items)


def decoded(data: bytes) -> str:
    """The file as our reader decodes it (for the other readers, after their own try)."""
    head, stream = peek_head(io.BytesIO(data), bibtex.DECLARATION_BYTES)
    lines = read_text_lines(stream, bibtex._encoding(head).codec)
    return "\n".join(line.text or "" for line in lines)


def with_bibtexparser(data: bytes) -> tuple[bool, list[str], list[str], int]:
    try:
        text, ok = data.decode("utf-8"), True
    except UnicodeDecodeError:
        text, ok = decoded(data), False
    middlewares = [bm.LatexDecodingMiddleware(), bm.SeparateCoAuthors(), bm.SplitNameParts()]
    try:
        library = bibtexparser.parse_string(text, append_middleware=middlewares)
    except Exception:  # noqa: BLE001 - any failure of the library is what we count
        return False, [], [], 0
    titles, names = [], []
    for entry in library.entries:
        fields = {k.lower(): f for k, f in reversed(entry.fields_dict.items())}  # JabRef: "Title"
        title = fields.get("title")
        if title is not None and str(title.value).strip():
            titles.append(title_key(str(title.value)))
        author = fields.get("author")
        for part in author.value if author is not None and isinstance(author.value, list) else []:
            if isinstance(part, bm.NameParts):
                names.append(" ".join([*part.first, *part.von, *part.last, *part.jr]))
    return ok, titles, names, len(library.entries) + len(library.failed_blocks)


def with_pybtex(data: bytes) -> tuple[bool, list[str], list[str], int]:
    try:
        text, ok = data.decode("utf-8"), True
    except UnicodeDecodeError:
        text, ok = decoded(data), False
    pybtex.errors.set_strict_mode(False)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            stderr, pybtex.io.stderr = pybtex.io.stderr, io.StringIO()  # lenient mode's warnings
            try:
                db = pybtex.database.parse_string(text, "bibtex")
            finally:
                pybtex.io.stderr = stderr
    except Exception:  # noqa: BLE001
        return False, [], [], 0
    titles, names = [], []
    for entry in db.entries.values():
        title = entry.fields.get("title", "")
        if title.strip():
            titles.append(title_key(_render(title)))
        for person in entry.persons.get("author", []):
            parts = [*person.first_names, *person.middle_names, *person.prelast_names,
                     *person.last_names, *person.lineage_names]  # fmt: skip
            names.append(_render(" ".join(parts)))
    return ok, titles, names, len(db.entries)


def _render(latex: str) -> str:
    """TeX to text the pybtex way: latexcodec (pybtex's ``Text.from_latex`` takes 20 ms a name)."""
    try:
        return codecs.decode(latex, "ulatex").replace("{", "").replace("}", "")
    except Exception:  # noqa: BLE001 - latexcodec cannot decode it: as written
        return latex


READERS = {"ours": ours, "bibtexparser": with_bibtexparser, "pybtex": with_pybtex}


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--files", action="store_true", help="a line per file where they differ")
    show_files = args.parse_args().files
    totals: dict[str, Counter[str]] = {name: Counter() for name in READERS}
    for folder in sorted(p for p in ROOT.iterdir() if p.is_dir()):
        per: dict[str, Counter[str]] = {name: Counter() for name in READERS}
        for path in sorted(folder.glob("*.bib")):
            data = path.read_bytes()
            found = {name: read(data) for name, read in READERS.items()}
            common = set.intersection(*(set(f[1]) for f in found.values()))
            for name, (ok, titles, names, entries) in found.items():
                c = per[name]
                c["files"] += 1
                c["read"] += ok
                c["entries"] += entries
                c["titled"] += len(titles)
                c["names"] += len(names)
                c["tex names"] += sum(bool(TEX.search(n)) for n in names)
                c["same"] += sum(t in common for t in titles)
            counts = {name: (f[0], f[3], len(f[1])) for name, f in found.items()}
            if show_files and len(set(counts.values())) > 1:
                print(f"  {folder.name}/{path.name}: {counts}", flush=True)
        for name, c in per.items():
            totals[name].update(c)
            _line(folder.name, name, c)
    for name, c in totals.items():
        _line("all", name, c)


def _line(folder: str, reader: str, c: Counter[str]) -> None:
    print(
        f"{folder:28} {reader:13} files read: {c['read']}/{c['files']}  entries: {c['entries']}  "
        f"titled: {c['titled']}  names: {c['names']} ({c['tex names']} with TeX left)  "
        f"same titles: {c['same']}",
        flush=True,
    )


if __name__ == "__main__":
    main()
