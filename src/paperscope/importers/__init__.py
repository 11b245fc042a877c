"""Importers: one module per input format, and detection of a file's format.

Each module follows the protocol described in :mod:`paperscope.importers.base`.
Detection looks only at the first 64 KiB of a file, tries the formats from the
most to the least specific, and never guesses silently: a file that fits no
format is refused with a message that suggests ``--format``.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from paperscope.importers.base import FormatError, Item, check_head

# Most specific first: the page-text importer accepts almost any prose, so it
# is tried last.
_MODULES = {
    "jsonl": "paperscope.importers.jsonl",
    "arxiv-json": "paperscope.importers.arxiv_snapshot",
    "hf-api": "paperscope.importers.hf_api",  # a JSON array: after the JSON-lines formats
    "oai-pmh": "paperscope.importers.oai_pmh",
    "arxiv-atom": "paperscope.importers.arxiv_atom",
    "bibtex": "paperscope.importers.bibtex",
    # Reference-manager exports: each known by its first line or its first item.
    "ris": "paperscope.importers.ris",
    "endnote": "paperscope.importers.endnote",
    "medline": "paperscope.importers.medline",
    "isi": "paperscope.importers.isi",
    "csl-json": "paperscope.importers.csl_json",
    "hf-page": "paperscope.importers.hf_page",
}

FORMATS: tuple[str, ...] = tuple(_MODULES)


def get(name: str) -> ModuleType:
    """The importer module for a format name; ValueError names the known ones."""
    try:
        return importlib.import_module(_MODULES[name])
    except KeyError:
        raise ValueError(f"unknown format {name!r}; known formats: {', '.join(FORMATS)}") from None


def detect(head: bytes) -> ModuleType:
    """Choose the importer for a file from its first bytes, or raise FormatError."""
    check_head(head)
    for name in FORMATS:
        module = get(name)
        if module.detect(head):
            return module
    first = head.decode("utf-8", "replace").strip().splitlines()[0][:60]
    raise FormatError(
        f"could not tell the format of this file (it starts {first!r}); "
        f"name it with --format, one of: {', '.join(FORMATS)}"
    )


__all__ = ["FORMATS", "FormatError", "Item", "detect", "get"]
