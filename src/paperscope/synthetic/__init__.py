"""A realistic synthetic arXiv bulk-metadata snapshot (Kaggle JSON lines).

Benchmarks need a million snapshot lines that look like the real file (line
lengths, escaping, id and date shapes, author lists, LaTeX in the text) and
whose words behave like real papers for search: every paper belongs to one of
about a hundred topics, and all its sentences draw on that topic's methods,
objects, tasks and properties, so a query like "graph neural networks for
molecules" hits a cluster of related papers. The text comes from templates and
a vocabulary written for this package (:mod:`paperscope.synthetic.vocabulary`);
nothing is copied from real abstracts. It lives in the package, not only
beside the benchmarks, because the demo corpus (:mod:`paperscope.demo`) is
made from it too.

Titles, like real ones (well under 1% exact repeats), must rarely repeat:
papers with equal folded titles are matched by title on import, and repeats
make ties in search evaluation. A topic has only a few dozen phrases, so every
title template also draws several independent, compact slots: an adjective
before a task or method, a modifier before an object, an invented method name
("HiaKLAS: ..."), a surname ("Zhang-type estimates"), a parameter ("of genus 3",
"at 4.2 K"), a source or a compound. Each template allows about 1e5 or more
titles per topic; of 1M titles about 0.1% fold (``paperscope.models.title_key``)
to an earlier one, at the old mean length (about 9 words).

From Python::

    for record in generate(1000, seed=7): ...
    stats = write("papers.jsonl", 1000, seed=7)

or from the command line, ``python bench/gen_arxiv.py OUT.jsonl --count N``.

The output is deterministic for a seed and arguments, and is written like the
real snapshot: compact JSON, non-ASCII characters escaped, ordered by id (new
style ids by month, then old-style ids by archive). A plan first splits the
papers into months (and months of more than 10,000 papers into parts, each with
its own slice of ids and of time); every part is made by its own random stream
seeded from the seed and the part's name. So ``jobs=N`` worker processes
write the same bytes as one, and about N times faster (1M lines: ~50 s with
one job, ~30 s with two, on a 2-core machine).

With ``id_style="mixed"`` a share of the papers (``old_share``, 15% by default,
about the real snapshot's) gets old-style ids such as ``hep-th/0601001`` with
v1 dates between August 1991 and March 2007; ``start_date`` and ``end_date``
bound the new-style ids, which arXiv has used since April 2007.
"""

from __future__ import annotations

import codecs
import contextlib
import math
import multiprocessing
import os
import random
import re
import tempfile
import time
import unicodedata
from bisect import bisect
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from itertools import accumulate
from pathlib import Path

import orjson

from paperscope.synthetic.vocabulary import (
    _ACRO_HEADS,
    _ACRO_TAILS,
    _ALIASES,
    _CATEGORIES,
    _COLLABORATIONS,
    _ELEMENTS,
    _FORMULAS,
    _JOURNAL_GROUP,
    _JOURNALS,
    _LICENSES_NEW,
    _LICENSES_OLD,
    _MATERIAL_KINDS,
    _MATH_PARAMETERS,
    _NAME_BLOCK,
    _NAME_SUFFIXES,
    _NAMES,
    _PHYS_GROUP,
    _POOLS,
    _REPORT_NOS,
    _SYL_CODAS,
    _SYL_ONSETS,
    _SYL_VOWELS,
    _TEMPLATES,
    _TEX_ACCENTS,
    _TOPICS,
    _VENUES,
    _XGROUP,
)

NEW_STYLE_START = date(2007, 4, 1)
OLD_STYLE_START = date(1991, 8, 1)
FIVE_DIGITS_FROM = date(2015, 1, 1)
DEFAULT_START = NEW_STYLE_START
DEFAULT_END = date(2026, 11, 20)
KEYS = (
    "id",
    "submitter",
    "authors",
    "title",
    "comments",
    "journal-ref",
    "doi",
    "report-no",
    "categories",
    "license",
    "abstract",
    "versions",
    "update_date",
    "authors_parsed",
)

# ---------------------------------------------------------------------------
# Parsing the vocabulary.


def _split(text: str, sep: str = ";") -> list[str]:
    return [part.strip() for part in text.split(sep) if part.strip()]


@dataclass(slots=True)
class _Category:
    code: str
    field: str
    weight: float
    growth: float
    family: str
    group: str
    since: int
    topics: list  # list[_Topic]


@dataclass(slots=True)
class _Topic:
    category: _Category
    cross: list[str]
    weight: float
    since: int
    vocab: dict[str, list[str]]  # "M", "O", "T", "P" -> noun phrases
    index: int = 0


def _parse_categories() -> dict[str, _Category]:
    cats = {}
    for line in _CATEGORIES.strip().splitlines():
        code, field, weight, growth, family, group, since = line.split("|")
        cats[code] = _Category(
            code, field, float(weight), float(growth), family, group, int(since), []
        )
    return cats


def _parse_topics(cats: dict[str, _Category]) -> list[_Topic]:
    topics: list[_Topic] = []
    for block in _TOPICS.strip().split("\n@ "):
        lines = block.removeprefix("@ ").strip().splitlines()
        head = [h.strip() for h in lines[0].split("|")]
        cat = cats[head[0]]
        slots = {line[0]: _split(line[2:]) for line in lines[1:]}
        topic = _Topic(
            cat,
            head[1].split(),
            float(head[2]),
            int(head[3]) if len(head) > 3 else 0,
            {key: slots[key] for key in "MOTP"},
            len(topics),
        )
        cat.topics.append(topic)
        topics.append(topic)
    missing = [c for c in cats.values() if not c.topics]
    if missing:  # every category must have vocabulary
        raise RuntimeError(f"categories without topics: {[c.code for c in missing]}")
    return topics


def _parse_sections(text: str) -> dict[tuple[str, ...], list[str]]:
    """The lines under each ``= word word`` heading, by the heading's words."""
    out: dict[tuple[str, ...], list[str]] = {}
    key: tuple[str, ...] = ()  # a line before the first heading raises KeyError
    for line in text.strip().splitlines():
        if line.startswith("= "):
            key = tuple(line[2:].split())
            out[key] = []
        elif line.strip():
            out[key].append(line.strip())
    return out


def _parse_pools() -> dict[str, dict[str, list[str]]]:
    pools: dict[str, dict[str, list[str]]] = {}
    for line in _POOLS.strip().splitlines():
        key, _, values = line.partition(": ")
        owner, slot = key.split(".")
        pools.setdefault(owner, {})[slot] = _split(values)
    return pools


def _parse_journals() -> dict[str, list[tuple[str, str, str, int, int]]]:
    journals: dict[str, list] = {}
    for (group,), lines in _parse_sections(_JOURNALS).items():
        rows = []
        for line in lines:
            name, jref, doi, vol0, rate = line.split("|")
            rows.append((name, jref, doi, int(vol0), int(rate)))
        journals[group] = rows
    return journals


def _tex(text: str) -> str:
    return "".join(_TEX_ACCENTS.get(ch, ch) for ch in text)


def _initials(first: str) -> tuple[str, str]:
    parts = first.split("-")
    shown = "-".join(p[0] + "." for p in parts)
    parsed = " -".join(p[0] + "." for p in parts)
    return shown, parsed


_FOLD = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "ß": "ss", "ı": "i", "đ": "d"})


def fold_name(name: str) -> str:
    """The name without accents, as many authors write theirs ("Jose Garcia")."""
    decomposed = unicodedata.normalize("NFKD", name.translate(_FOLD))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _parse_names() -> tuple[list[str], list[float], dict[str, tuple[list, list]]]:
    """Per culture: given names as (accented, folded) variants of (name, initials,
    initials as arXiv parses them), family names as (name, TeX spelling, folded)."""
    codes, weights, pools = [], [], {}
    for line in _NAMES.strip().splitlines():
        code, weight, firsts, lasts = line.split("|")
        codes.append(code)
        weights.append(float(weight))
        latin = firsts != "-" and code not in ("cyrl", "grek")
        last_names = [(n, _tex(n), fold_name(n) if latin else n) for n in _split(lasts, ",")]
        given = []
        for f in _split(firsts, ",") if firsts != "-" else []:
            folded = fold_name(f) if latin else f
            given.append(((f, *_initials(f)), (folded, *_initials(folded))))
        pools[code] = (given, last_names)
    return codes, weights, pools


CATEGORIES = _parse_categories()
TOPICS = _parse_topics(CATEGORIES)
_TPL = _parse_sections(_TEMPLATES)
# Templates without LaTeX slots ({XB}, {XC}, ...), for papers that use no LaTeX.
_TPL_PLAIN = {key: [t for t in tpl if "{X" not in t] for key, tpl in _TPL.items()}
_LATEX_SHARE = {"emp": 0.27, "math": 0.55, "phys": 0.35}  # ~27% of abstracts end up with $
_POOL = _parse_pools()
JOURNALS = _parse_journals()
_NAME_CODES, _NAME_WEIGHTS, _NAME_POOLS = _parse_names()
_NAME_CUM = list(accumulate(_NAME_WEIGHTS))
_PCT = [f"{x / 10:.1f}" for x in range(12, 350, 7)]
_PCT2 = [str(x) for x in range(58, 93, 3)]
_WRAP = re.compile(r"(.{1,79})(?: +|$)")  # abstract lines: at most 79 characters
_WRAP72 = re.compile(r"(.{1,72})(?: +|$)")  # titles, authors, comments: 72
# fmt: off
_SMALL_WORDS = frozenset([
    "a", "an", "and", "as", "at", "by", "for", "from", "in", "into", "of", "on", "or", "over",
    "the", "to", "under", "via", "vs", "with", "without",
])
# fmt: on
_ARCHIVES_OLD = {  # old-style archives: first month with papers, share of old papers
    "hep-th": (date(1991, 8, 1), 12),
    "hep-ph": (date(1992, 3, 1), 14),
    "hep-lat": (date(1992, 2, 1), 1.5),
    "hep-ex": (date(1994, 4, 1), 1.5),
    "astro-ph": (date(1992, 4, 1), 18),
    "cond-mat": (date(1992, 4, 1), 20),
    "gr-qc": (date(1992, 7, 1), 4),
    "nucl-th": (date(1992, 10, 1), 3),
    "nucl-ex": (date(1994, 12, 1), 1),
    "quant-ph": (date(1994, 12, 1), 6),
    "math": (date(1992, 2, 1), 14),
    "math-ph": (date(1996, 9, 1), 2),
    "cs": (date(1998, 9, 1), 3),
    "physics": (date(1996, 10, 1), 4),
    "nlin": (date(2000, 1, 1), 1),
    "q-bio": (date(2003, 9, 1), 0.5),
}


# ---------------------------------------------------------------------------
# Dates.


def _as_date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


@lru_cache(maxsize=4)
def _day_tables(first: date, last: date) -> tuple[list[str], list[str], list[int]]:
    """RFC 2822 day prefixes ("Mon, 2 Apr 2007"), ISO days and years, day by day."""
    rfc, iso, years = [], [], []
    day = first
    one = timedelta(days=1)
    while day <= last:
        rfc.append(day.strftime("%a, ") + f"{day.day} " + day.strftime("%b %Y"))
        iso.append(day.isoformat())
        years.append(day.year)
        day += one
    return rfc, iso, years


@lru_cache(maxsize=1)
def _clock_table() -> list[str]:
    return [f"{h:02d}:{m:02d}:{s:02d}" for h in range(24) for m in range(60) for s in range(60)]


def _months(first: date, last: date) -> Iterator[tuple[date, date]]:
    """(month start, next month start) for every month from first to last."""
    m = date(first.year, first.month, 1)
    while m <= last:
        nxt = date(m.year + (m.month == 12), m.month % 12 + 1, 1)
        yield m, nxt
        m = nxt


def _years_since(d: date, origin: date) -> float:
    return (d - origin).days / 365.25


def _allocate(count: int, weights: list[float]) -> list[int]:
    """Split count into integers proportional to weights (largest remainders)."""
    total = sum(weights)
    if total <= 0:
        raise ValueError("nothing to allocate to")
    exact = [count * w / total for w in weights]
    counts = [int(x) for x in exact]
    short = count - sum(counts)
    order = sorted(range(len(weights)), key=lambda i: (counts[i] - exact[i], i))
    for i in order[:short]:
        counts[i] += 1
    return counts


# ---------------------------------------------------------------------------
# The plan: which ids, in which month, generated from which random stream.

PART_SIZE = 10_000  # the most papers one random stream (one unit of work) makes


@dataclass(slots=True)
class _Chunk:
    """Papers whose ids share a prefix and a number range, made by one random stream."""

    prefix: str  # "0704." or "hep-th/9108"
    width: int  # digits of the number after the prefix
    stream: str  # names the random stream: the seed and this are all it depends on
    archive: str | None  # old-style archive, None for new-style ids
    year: int
    t_lo: int  # v1 times in [t_lo, t_hi), seconds since OLD_STYLE_START
    t_hi: int
    num_lo: int  # numbers in [num_lo, num_hi)
    num_hi: int
    count: int


def _seconds(day: date) -> int:
    return (day - OLD_STYLE_START).days * 86400


def _plan(
    count: int,
    seed: int = 42,
    start_date: date | str = DEFAULT_START,
    end_date: date | str = DEFAULT_END,
    id_style: str = "new",
    old_share: float = 0.15,
) -> list[_Chunk]:
    start, end = _as_date(start_date), _as_date(end_date)
    if count < 0:
        raise ValueError("count must be 0 or more")
    if id_style not in ("new", "mixed"):
        raise ValueError(f"id_style must be 'new' or 'mixed', not {id_style!r}")
    if start < NEW_STYLE_START:
        raise ValueError(
            f"start date {start} is before {NEW_STYLE_START}: new-style ids began in "
            "April 2007 (use --id-style mixed for older, old-style ids)"
        )
    if end < start:
        raise ValueError(f"end date {end} is before start date {start}")
    if not 0 <= old_share < 1:
        raise ValueError("old_share must be at least 0 and below 1")
    rng = random.Random(f"{seed}/plan")
    n_old = round(count * old_share) if id_style == "mixed" else 0
    chunks = _plan_new(count - n_old, rng, start, end)
    if n_old:
        chunks += _plan_old(n_old, rng)
    return chunks


def _monthly_volume(month: date) -> float:
    """Roughly how many papers arXiv got that month (grows ~9% a year)."""
    return 5200 * math.exp(0.09 * _years_since(month, NEW_STYLE_START))


def _plan_new(count: int, rng: random.Random, start: date, end: date) -> list[_Chunk]:
    months = []
    for m, nxt in _months(start, end):
        lo, hi = max(m, start), min(nxt, end + timedelta(days=1))
        share = (hi - lo).days / (nxt - m).days
        weight = share * _monthly_volume(m) * math.exp(rng.gauss(0, 0.05))
        months.append((m, lo, hi, weight))
    if not count:
        return []
    chunks = []
    for (m, lo, hi, _), k in zip(months, _allocate(count, [w for *_, w in months]), strict=True):
        if not k:
            continue
        limit = 9999 if m < FIVE_DIGITS_FROM else 99999
        if k > limit:
            raise ValueError(
                f"{k:,} papers in {m:%Y-%m} do not fit in arXiv's {len(str(limit))}-digit "
                "numbers: ask for fewer or widen the date range"
            )
        # Numbers spread over the month's real volume, as in a sample of arXiv.
        capacity = min(limit, max(k, int(_monthly_volume(m))))
        # A big month is cut into parts with their own streams; each part gets
        # a slice of the numbers and of the month's time so that ids and
        # dates still rise together.
        parts = _allocate(k, [1] * math.ceil(k / PART_SIZE))
        t_lo, span = _seconds(lo), _seconds(hi) - _seconds(lo)
        done = 0
        for i, n in enumerate(parts):
            a, b = done, done + n
            chunks.append(
                _Chunk(
                    prefix=f"{m:%y%m}.",
                    width=len(str(limit)),
                    stream=f"{m:%y%m}/{i}",
                    archive=None,
                    year=m.year,
                    t_lo=t_lo + span * a // k,
                    t_hi=t_lo + span * b // k,
                    num_lo=1 + capacity * a // k,
                    num_hi=1 + capacity * b // k,
                    count=n,
                )
            )
            done = b
    return chunks


def _plan_old(count: int, rng: random.Random) -> list[_Chunk]:
    last = NEW_STYLE_START - timedelta(days=1)
    months = list(_months(OLD_STYLE_START, last))
    weights = [math.exp(0.18 * _years_since(m, OLD_STYLE_START)) for m, _ in months]
    by_archive: dict[str, list[_Chunk]] = {a: [] for a in sorted(_ARCHIVES_OLD)}
    for (m, nxt), k in zip(months, _allocate(count, weights), strict=True):
        live = [a for a, (since, _) in _ARCHIVES_OLD.items() if since <= m]
        shares = _allocate(k, [_ARCHIVES_OLD[a][1] * (1 + 0.2 * rng.random()) for a in live])
        for archive, n in zip(live, shares, strict=True):
            if not n:
                continue
            if n > 999:
                raise ValueError(
                    f"{n:,} {archive} papers in {m:%Y-%m} do not fit in old-style 3-digit "
                    "numbers: ask for a smaller old_share or count"
                )
            capacity = min(999, max(n, int(40 * math.exp(0.12 * (m.year - 1992)))))
            by_archive[archive].append(
                _Chunk(
                    prefix=f"{archive}/{m:%y%m}",
                    width=3,
                    stream=f"{archive}/{m:%y%m}",
                    archive=archive,
                    year=m.year,
                    t_lo=_seconds(m),
                    t_hi=_seconds(nxt),
                    num_lo=1,
                    num_hi=capacity + 1,
                    count=n,
                )
            )
    # The real snapshot lists new-style ids first, then old ones by archive.
    return [c for archive in sorted(by_archive) for c in by_archive[archive]]


# ---------------------------------------------------------------------------
# Building records.


def _cum(weights: list[float]) -> list[float]:
    return list(accumulate(weights))


class _Slots(dict):
    """One paper's template slots, each drawn the first time a template asks for it.

    ``pools`` maps a slot to its choices (the topic's vocabulary, its family's
    and group's pools); a slot ending in 2 draws a value different from its
    first one, so "{M} combined with {M2}" names two methods.
    """

    __slots__ = ("pools", "rnd", "special")
    pools: dict[str, list[str]]
    rnd: Callable[[], float]
    special: Callable[[_Slots, str], str]  # the value of a slot without a pool

    def __missing__(self, key: str) -> str:
        values = self.pools.get(key)
        if values is None:
            value = self.special(self, key)
        else:
            rnd = self.rnd
            value = values[int(rnd() * len(values))]
            if key[-1] == "2":
                first = self.get(key[:-1])
                for _ in range(4):
                    if value != first:
                        break
                    value = values[int(rnd() * len(values))]
        self[key] = value
        return value


_LATIN_SURNAMES = [
    last for code in _NAME_CODES for last, _, _ in _NAME_POOLS[code][1] if last.isascii()
]
_TOPIC_SLOTS = ("M", "O", "T", "P")


def _build_topic_pools(topic: _Topic) -> dict[str, list[str]]:
    cat = topic.category
    pools: dict[str, list[str]] = dict(_POOL["emp"])
    if cat.family != "emp":
        pools.update(_POOL["phys"] if cat.family == "phys" else {})
        pools.update(_POOL[cat.family])
    pools.update(_POOL.get(_XGROUP.get(cat.group, "emp"), {}))
    pools.update(_POOL.get(_PHYS_GROUP.get(cat.group, ""), {}))
    # Adjectives before a task or property ({AT}), and before a method ({AM}).
    pools["TA"] = _POOL[cat.family].get("TA", pools["A"])
    pools["MA"] = pools["A"] if cat.family == "phys" else pools["TA"]
    pools["F"] = [cat.field]
    pools["SUR"] = _LATIN_SURNAMES
    pools["PCT"] = _PCT
    pools["ACRO"] = _POOL["emp"]["ACROPLAIN"]
    for key in list(pools):
        pools[key + "2"] = pools[key]
    pools["PCT2"] = _PCT2
    pools["SUBT"] = _TPL[(cat.family, "sub")]
    pools["EXPT"] = _COLLABORATIONS
    siblings = [t for t in cat.topics if t is not topic]
    for key in _TOPIC_SLOTS:
        own = topic.vocab[key]
        pools[key] = own
        # Second mentions come from a sibling topic of the category about a
        # quarter of the time, so topics within a category share some words.
        other = [v for t in siblings for v in t.vocab[key] if v not in own]
        reps = max(1, round(3 * len(other) / len(own))) if other else 1
        pools[key + "2"] = own * reps + other
    return pools


_TOPIC_POOLS = [_build_topic_pools(t) for t in TOPICS]
# Strides coprime with a pool's size visit every template once before repeating.
_STRIDES = {n: [s for s in range(1, n) if math.gcd(s, n) == 1] or [1] for n in range(1, 40)}

# Title templates of a topic: its family's, plus those of the kinds of paper
# only some categories write (a named source, a compound, a collider energy).
_TITLE_EXTRAS = {
    "astro": ("astro-ph.",),
    "mat": (
        "cond-mat.mtrl-sci",
        "cond-mat.str-el",
        "cond-mat.mes-hall",
        "cond-mat.supr-con",
        "physics.app-ph",
    ),
    "collider": ("hep-ex", "hep-ph", "nucl-ex"),
    "qubit": ("quant-ph",),
    "units": (
        "astro-ph",
        "cond-mat.mtrl-sci",
        "cond-mat.str-el",
        "cond-mat.mes-hall",
        "cond-mat.supr-con",
        "cond-mat.quant-gas",
        "quant-ph",
        "physics.optics",
        "physics.atom-ph",
        "physics.app-ph",
        "hep-",
        "nucl-",
    ),
}


def _title_templates(topic: _Topic) -> tuple[list[str], list[str]]:
    cat = topic.category
    plain = list(_TPL[(cat.family, "title")])
    for kind, prefixes in _TITLE_EXTRAS.items():
        if cat.code.startswith(prefixes):
            plain += _TPL[(kind, "title")]
    return plain, _TPL.get((cat.family, "title_acro"), plain)


_TITLE_TEMPLATES = [_title_templates(t) for t in TOPICS]


def _article(word: str) -> str:
    vowel = word[0] in "aeiou" and not word.startswith(("uni", "use", "one"))
    return "an " if vowel else "a "


def _special_slot(slots: _Slots, key: str) -> str:
    if key == "AA":  # "a"/"an" and the paper's adjective
        adj = slots["A"]
    elif key == "AC":  # "a"/"an" and another adjective
        adj = slots["A2"]
    elif key == "URL":
        return _url(slots)
    elif key in _ADJECTIVE_SLOTS:  # {AT}: an adjective before {T}
        adj_key, noun_key = _ADJECTIVE_SLOTS[key]
        return _with_adjective(slots[adj_key], slots[noun_key])
    elif key in _TITLE_SLOTS:
        return _TITLE_SLOTS[key](slots)
    else:
        raise KeyError(f"no vocabulary for the template slot {key!r}")
    return _article(adj) + adj


_ADJECTIVE_SLOTS = {
    "AT": ("TA", "T"),
    "AP": ("TA", "P"),
    "AM": ("MA", "M"),
    "A2T": ("TA2", "T"),
    "A2M": ("MA2", "M"),
}


def _with_adjective(adj: str, noun: str) -> str:
    """The adjective before the noun phrase: "robust node classification", "the sharp
    chromatic number"; the phrase alone if it has the word already ("sparse attention")."""
    stem = adj.split("-")[0].lower()
    if len(stem) < 4:  # "p-adic", "two-dimensional": the whole word
        stem = adj.lower()
    if any(w.startswith(stem) for w in noun.lower().split()):
        return noun
    for article in ("the ", "a ", "an "):
        if noun.startswith(article) and not noun.startswith(("a priori", "a posteriori")):
            return f"the {adj} {noun[len(article) :]}"
    return f"{adj} {noun}"


def _object(slots: _Slots) -> str:
    """{MO}: the paper's object, most often with a modifier ("noisy knowledge graphs")."""
    obj = slots["O"]
    return obj if slots.rnd() < 0.06 else _with_adjective(slots["MOD"], obj)


def _subtitle(slots: _Slots) -> str:
    """{SUB}: what follows a colon, itself a template of the family's."""
    subs = slots.pools["SUBT"]
    return subs[int(slots.rnd() * len(subs))].format_map(slots)


def _syllables(rnd: Callable[[], float], n: int) -> list[str]:
    out = []
    for _ in range(n):
        syl = (
            _SYL_ONSETS[int(rnd() * len(_SYL_ONSETS))] + _SYL_VOWELS[int(rnd() * len(_SYL_VOWELS))]
        )
        out.append(syl)
    out[-1] += _SYL_CODAS[int(rnd() * len(_SYL_CODAS))]
    return out


def invent_name(rnd: Callable[[], float]) -> str:
    """A made-up method or model name: "GraphFormer", "Korvanet", "MIRETA", "DeLoRA-2"."""
    while True:
        r = rnd()
        if r < 0.3:  # two known parts
            head = _ACRO_HEADS[int(rnd() * len(_ACRO_HEADS))]
            name = head + _ACRO_TAILS[int(rnd() * len(_ACRO_TAILS))]
        elif r < 0.5:  # a coined word and a known part
            word = "".join(_syllables(rnd, 1 + (rnd() < 0.6)))
            if len(word) > 6:
                continue
            name = word.capitalize() + _ACRO_TAILS[int(rnd() * len(_ACRO_TAILS))]
        elif r < 0.8:  # a pronounceable acronym
            name = "".join(_syllables(rnd, 2 + (rnd() < 0.35))).upper()
            if len(name) > 7:
                continue
        else:  # an acronym in mixed case
            parts = _syllables(rnd, 2 + (rnd() < 0.5))
            last = parts[-1].upper() if rnd() < 0.6 else parts[-1].capitalize()
            name = "".join(p.capitalize() for p in parts[:-1]) + last
            if len(name) > 8:
                continue
        if rnd() < 0.18:
            name += _NAME_SUFFIXES[int(rnd() * len(_NAME_SUFFIXES))]
        if 3 <= len(name) <= 12 and not _NAME_BLOCK.search(name):
            return name


def _math_parameter(slots: _Slots) -> str:
    """{MX}: a qualifier with a parameter: "of genus 3", "over $\\mathbb{F}_{9}$"."""
    rnd = slots.rnd
    form, values = _MATH_PARAMETERS[int(rnd() * len(_MATH_PARAMETERS))]
    return form.replace("#", str(values[int(rnd() * len(values))]))


def _source(slots: _Slots) -> str:
    """{SRC}: an astronomical source: "the pulsar PSR J1748-2446", "SN 2014dk"."""
    rnd = slots.rnd

    def num(lo: int, hi: int) -> int:
        return lo + int(rnd() * (hi - lo + 1))

    def coords(dec_digits: int) -> str:
        ra = f"{num(0, 23):02d}{num(0, 59):02d}"
        dec = f"{num(0, 89):02d}{num(0, 59):02d}"[:dec_digits]
        return ra + ("+" if rnd() < 0.5 else "-") + dec

    def day(full: bool) -> str:
        y = num(2005, 2025)
        return f"{y if full else y % 100:02d}{num(1, 12):02d}{num(1, 28):02d}"

    def letters(n: int) -> str:
        return "".join(chr(97 + int(rnd() * 26)) for _ in range(n))

    k = int(rnd() * 17)
    kind, name = [
        lambda: ("galaxy", f"NGC {num(1, 7840)}"),
        lambda: ("dwarf galaxy", f"UGC {num(1, 12940)}"),
        lambda: ("globular cluster", f"NGC {num(104, 7099)}"),
        lambda: ("pulsar", f"PSR J{coords(4)}"),
        lambda: ("magnetar", f"SGR {coords(2)}"),
        lambda: ("gamma-ray burst", f"GRB {day(False)}{'ABC'[int(rnd() * 3)]}"),
        lambda: ("supernova", f"SN {num(2005, 2025)}{letters(2 + (rnd() < 0.5))}"),
        lambda: ("tidal disruption event", f"AT {num(2016, 2025)}{letters(3)}"),
        lambda: ("planetary system", f"TOI-{num(100, 7000)}"),
        lambda: ("exoplanet", f"Kepler-{num(1, 1900)}{'bcdef'[int(rnd() * 5)]}"),
        lambda: ("star", f"HD {num(1000, 230000)}"),
        lambda: ("fast radio burst", f"FRB {day(True)}{'ABC'[int(rnd() * 3)]}"),
        lambda: ("eclipsing binary", f"KIC {num(1000000, 12999999)}"),
        lambda: ("white dwarf", f"WD {coords(3)}"),
        lambda: ("blazar", f"PKS {coords(3)}"),
        lambda: ("quasar", f"J{coords(4)}"),
        lambda: ("X-ray binary", f"4U {coords(2)}"),
    ][k]()
    return f"the {kind} {name}" if rnd() < 0.7 else name


def _material(slots: _Slots) -> str:
    """{MAT}: a compound, "the kagome metal CsV$_3$Sb$_5$" or "Fe3GeTe2"."""
    rnd = slots.rnd
    latex = rnd() < 0.35
    parts = []
    for site, count in _FORMULAS[int(rnd() * len(_FORMULAS))]:
        pool = _ELEMENTS[site]
        parts.append(pool[int(rnd() * len(pool))])
        if count > 1:
            parts.append(f"$_{count}$" if latex else str(count))
    formula = "".join(parts)
    if rnd() < 0.55:
        return f"{_MATERIAL_KINDS[int(rnd() * len(_MATERIAL_KINDS))]} {formula}"
    return formula


def _collider(slots: _Slots) -> str:
    """{HX}: a collision energy or a data set: "at $\\sqrt{s} = 13$ TeV"."""
    rnd = slots.rnd
    r = rnd()
    if r < 0.35:
        energy = (0.9, 2.76, 5.02, 7, 8, 13, 13.6, 14, 27, 100)[int(rnd() * 10)]
        where = " in proton-proton collisions" if rnd() < 0.4 else ""
        if rnd() < 0.5:
            return f"{where} at {energy} TeV".lstrip()
        return f"{where} at $\\sqrt{{s}} = {energy}$ TeV".lstrip()
    if r < 0.5:
        energy = (2.76, 5.02, 5.36, 8.16, 0.2)[int(rnd() * 5)]
        return f"in heavy-ion collisions at $\\sqrt{{s_{{NN}}}} = {energy}$ TeV"
    if r < 0.7:
        return f"using {1 + int(rnd() * 3999) / 10} inverse femtobarns of data"
    if r < 0.85:
        return f"for masses up to {1 + int(rnd() * 80) / 10} TeV"
    energy = (91.2, 161, 240, 250, 365, 380, 500, 1000, 1500, 3000)[int(rnd() * 10)]
    return f"at a {energy} GeV lepton collider"


_RANGE = re.compile(r"<([0-9.]+)-([0-9.]+)>")


def _quantity(slots: _Slots) -> str:
    """{PX}: a value with its unit, "at 4.2 K", "at $z = 2.3$", "with 140 fb$^{-1}$"."""
    rnd = slots.rnd
    forms = slots.pools["PXT"]

    def number(m: re.Match) -> str:  # log-uniform in the range, two significant digits
        lo, hi = math.log10(float(m[1])), math.log10(float(m[2]))
        return f"{float(f'{10 ** (lo + rnd() * (hi - lo)):.2g}'):g}"

    return _RANGE.sub(number, forms[int(rnd() * len(forms))])


def _qubits(slots: _Slots) -> str:
    """{NQ}: a number of qubits, from a handful to about a thousand."""
    return str(int(2 ** (1 + slots.rnd() * 9)))


_TITLE_SLOTS = {
    "MO": _object,
    "SUB": _subtitle,
    "MX": _math_parameter,
    "SRC": _source,
    "MAT": _material,
    "HX": _collider,
    "NQ": _qubits,
    "PX": _quantity,
}


def _url(slots: _Slots) -> str:
    rnd = slots.rnd
    user = _LATIN_SURNAMES[int(rnd() * len(_LATIN_SURNAMES))].lower()
    user = re.sub(r"[^a-z]", "", user)
    if rnd() < 0.4:
        user += str(int(rnd() * 99))
    name = slots.get("ACRO")
    if name is None or " " in name:
        name = "-".join(re.sub(r"[^A-Za-z0-9 ]", "", slots["M"]).split()[:3])
    else:  # a repository name: "DeLoRA-2", "GraphFormer-plus-plus"
        name = re.sub(r"[^A-Za-z0-9.-]", "", name.replace("++", "-plus-plus"))
    return f"https://github.com/{user}/{name}"


class _Builder:
    """Turns an id, a v1 time and a topic into a full record; one per random stream."""

    def __init__(self, rng: random.Random, base: date, end: date):
        self.rng = rng
        self.rnd = rng.random
        self.end_day = (end - base).days  # the last day index allowed
        self.rfc, self.iso, self.years = _day_tables(base, end)
        self.clock = _clock_table()
        self.end_year = end.year

    def pick(self, seq: Sequence):
        return seq[int(self.rnd() * len(seq))]

    def weighted(self, items: list, cum: list[float]):
        return items[bisect(cum, self.rnd() * cum[-1])]

    def record(self, arxiv_id: str, t0: int, topic: _Topic) -> dict:
        rnd = self.rnd
        cat = topic.category
        fam, group = cat.family, cat.group
        year = self.years[t0 // 86400]
        slots = _Slots()
        slots.pools = _TOPIC_POOLS[topic.index]
        slots.rnd = rnd
        slots.special = _special_slot
        acro = fam == "emp" and rnd() < 0.45
        if acro:
            slots["ACRO"] = invent_name(rnd)
        title = self._title(topic, slots, acro)
        abstract = self._abstract(fam, slots, acro)
        authors, parsed, submitter = self._authors(fam, group)
        versions, last_day = self._versions(t0)
        update_day = last_day
        if rnd() < 0.45:
            update_day = min(self.end_day, last_day + int(self.rng.expovariate(1 / 300)))
        comments = None
        if rnd() < 0.6:
            comments = self._comments(fam, group, year, len(versions), slots)
        jref, doi = self._publication(group, year)
        report = None
        if rnd() < (0.22 if group == "hep" else 0.012):
            report = _REPORT_NOS[int(rnd() * len(_REPORT_NOS))].format_map(self._numbers(year))
        return {
            "id": arxiv_id,
            "submitter": submitter,
            "authors": authors,
            "title": title,
            "comments": comments,
            "journal-ref": jref,
            "doi": doi,
            "report-no": report,
            "categories": self._categories(topic, year),
            "license": self._license(year),
            "abstract": abstract,
            "versions": versions,
            "update_date": self.iso[update_day],
            "authors_parsed": parsed,
        }

    # -- text ------------------------------------------------------------------
    def _title(self, topic: _Topic, slots: _Slots, acro: bool) -> str:
        rnd = self.rnd
        fam, group = topic.category.family, topic.category.group
        plain, named = _TITLE_TEMPLATES[topic.index]
        templates = named if acro and rnd() < 0.8 else plain
        for _ in range(6):
            title = templates[int(rnd() * len(templates))].format_map(slots)
            words = title.count(" ") + 1
            if words < 5:
                title += (" and {T2}" if fam == "math" else " with {M2}").format_map(slots)
                words = title.count(" ") + 1
            if 5 <= words <= 20:
                break
        title = title[0].upper() + title[1:]
        if rnd() < (0.55 if fam == "emp" else 0.2):
            title = _title_case(title)
        if rnd() < 0.045:
            latex = self.pick(_POOL[_XGROUP.get(group, "emp")]["XT"])
            if title.count(" ") + latex.count(" ") + 2 <= 20:
                title += " " + latex
        if len(title) > 72:
            title = "\n  ".join(_WRAP72.findall(title))
        return title

    def _abstract(self, fam: str, slots: _Slots, acro: bool) -> str:
        rnd = self.rnd
        tpl = _TPL if rnd() < _LATEX_SHARE[fam] else _TPL_PLAIN
        target = min(1780, max(300, int(self.rng.gauss(1010, 290))))
        ctx = tpl[(fam, "ctx")]
        parts = [ctx[int(rnd() * len(ctx))]]
        gap = tpl.get((fam, "gap"))
        if gap and rnd() < 0.55:
            parts.append(gap[int(rnd() * len(gap))])
        contrib = tpl[(fam, "contrib_acro")] if acro and rnd() < 0.8 else tpl[(fam, "contrib")]
        parts.append(contrib[int(rnd() * len(contrib))])
        sentences = [p.format_map(slots) for p in parts]
        size = sum(map(len, sentences)) + len(sentences)
        close = tpl[(fam, "close")]
        closing = close[int(rnd() * len(close))] if rnd() < 0.55 else None
        if closing:
            size += 110
        # Alternate method and result sentences until the abstract is long
        # enough; a stride coprime with a list's length never repeats a template.
        methods, results = tpl[(fam, "method")], tpl[(fam, "result")]
        nm, nr = len(methods), len(results)
        mi, ri = int(rnd() * nm), int(rnd() * nr)
        sm, sr = _STRIDES[nm], _STRIDES[nr]
        step_m, step_r = sm[int(rnd() * len(sm))], sr[int(rnd() * len(sr))]
        n, most = 0, 2 * min(nm, nr) - 1
        while (size < target or n < 2) and n < most:
            if n % 2 == 0:
                s = methods[(mi + step_m * (n // 2)) % nm].format_map(slots)
            else:
                s = results[(ri + step_r * (n // 2)) % nr].format_map(slots)
            sentences.append(s)
            size += len(s) + 1
            n += 1
        if closing:
            sentences.append(closing.format_map(slots))
        text = "  " + " ".join(s[0].upper() + s[1:] if s[0].islower() else s for s in sentences)
        return "\n".join(_WRAP.findall(text)) + "\n"

    # -- people ------------------------------------------------------------------
    def _authors(self, fam: str, group: str) -> tuple[str, list[list[str]], str]:
        rnd, rng = self.rnd, self.rng
        cum = _AUTHOR_CUM[fam]
        n = bisect(cum, rnd() * cum[-1]) + 1
        if n > 12:  # a long tail: collaborations of tens or hundreds
            n = min(500, 12 + int(rng.paretovariate(1.1) * 4))
        codes, code_cum, pools = _NAME_CODES, _NAME_CUM, _NAME_POOLS
        total = code_cum[-1]
        home = codes[bisect(code_cum, rnd() * total)]
        initials = rnd() < (0.15 if fam == "emp" else 0.4)
        tex = rnd() < 0.35
        shown: list[str] = []
        parsed: list[list[str]] = []
        full: list[str] = []
        if n > 30 and group in ("hep", "astro") and rnd() < 0.5:
            collab = self.pick(_COLLABORATIONS) + " Collaboration"
            shown.append(collab)
            parsed.append([collab, "", ""])
        for _ in range(n):
            code = home if rnd() < 0.55 else codes[bisect(code_cum, rnd() * total)]
            firsts, lasts = pools[code]
            last, last_tex, last_folded = lasts[int(rnd() * len(lasts))]
            if not firsts:  # a whole name in its own script
                shown.append(last)
                parsed.append([last, "", ""])
                full.append(last)
                continue
            variants = firsts[int(rnd() * len(firsts))]
            if rnd() < 0.65:  # many authors write their name without accents
                last = last_tex = last_folded
                first, first_ini, first_ini_parsed = variants[1]
            else:
                first, first_ini, first_ini_parsed = variants[0]
            if code in _FEMININE and first[-1] == "a":  # Ivanova, Kowalska
                last, last_tex = _FEMININE[code](last), _FEMININE[code](last_tex)
            middle = " " + _MIDDLE[int(rnd() * len(_MIDDLE))] + "." if rnd() < 0.12 else ""
            if initials:
                f_shown, f_parsed = first_ini + middle, first_ini_parsed + middle
            else:
                f_shown = f_parsed = first + middle
            suffix = ""
            if code == "en" and rnd() < 0.02:
                suffix = ("Jr", "II", "III")[int(rnd() * 3)]
            name = f"{f_shown} {last_tex if tex else last}"
            shown.append(f"{name} {suffix}" if suffix else name)
            parsed.append([last, f_parsed, suffix])
            full.append(f"{first} {last}")
        if len(shown) > 1 and rnd() < 0.5:
            text = ", ".join(shown[:-1]) + " and " + shown[-1]
        else:
            text = ", ".join(shown)
        if len(text) > 72:
            text = "\n  ".join(_WRAP72.findall(text))
        if rnd() < 0.92:
            submitter = full[0] if rnd() < 0.6 else full[int(rnd() * len(full))]
        else:  # someone else submitted it
            firsts, lasts = pools[codes[bisect(code_cum, rnd() * total)]]
            last = lasts[int(rnd() * len(lasts))][0]
            submitter = f"{self.pick(firsts)[0][0]} {last}" if firsts else last
        return text, parsed, submitter

    # -- dates -------------------------------------------------------------------
    def _versions(self, t0: int) -> tuple[list[dict], int]:
        n = bisect(_VERSION_CUM, self.rnd() * _VERSION_CUM[-1]) + 1
        rfc, clock, expo = self.rfc, self.clock, self.rng.expovariate
        limit = (self.end_day + 1) * 86400
        out = []
        t = t0
        for i in range(1, n + 1):
            day, sec = divmod(t, 86400)
            out.append({"version": f"v{i}", "created": f"{rfc[day]} {clock[sec]} GMT"})
            t += 3600 + int(expo(1 / (86400 * 70)))  # revisions: weeks to months apart
            if t >= limit:
                break
        return out, day

    # -- publication metadata ----------------------------------------------------
    def _publication(self, group: str, year: int) -> tuple[str | None, str | None]:
        rnd = self.rnd
        has_doi = rnd() < 0.55
        has_jref = rnd() < (0.55 if has_doi else 0.11)
        if not (has_doi or has_jref):
            return None, None
        name, jref_t, doi_t, vol0, rate = self.pick(JOURNALS[_JOURNAL_GROUP[group]])
        pub_year = min(year + (rnd() < 0.6), self.end_year)
        values = self._numbers(pub_year)
        values["J"] = name.format_map(values) if "{" in name else name
        values["V"] = str(max(1, vol0 + rate * (pub_year - 2007) + int(rnd() * max(rate, 1))))
        jref = jref_t.format_map(values) if has_jref else None
        doi = doi_t.format_map(values) if has_doi and doi_t else None
        if jref and len(jref) > 72:
            jref = "\n  ".join(_WRAP72.findall(jref))
        return jref, doi

    def _numbers(self, year: int) -> _Slots:
        values = _Slots()
        values.pools = {}
        values.rnd = self.rnd
        values.special = _number_slot
        values["Y"] = str(year)
        values["yy"] = f"{year % 100:02d}"
        return values

    def _comments(self, fam: str, group: str, year: int, nver: int, slots: _Slots) -> str:
        rnd = self.rnd
        pages = max(2, int(self.rng.gammavariate(2.2, 9 if fam == "emp" else 11)))
        figs = int(pages * rnd() * 0.8)
        fig_text = "no figures" if figs == 0 else ("1 figure" if figs == 1 else f"{figs} figures")
        base = f"{pages} pages, {fig_text}"
        venues = _VENUES.get(group)
        if venues:
            where = f"{self.pick(venues)} {min(year + (rnd() < 0.5), self.end_year)}"
        else:
            where = self.pick(_JOURNAL_NAMES[_JOURNAL_GROUP[group]])
        r = rnd()
        if r < 0.38:
            text = base
        elif r < 0.5:
            tables = 1 + int(rnd() * 8)
            text = f"{base}, {tables} table{'s' if tables > 1 else ''}"
        elif r < 0.6:
            text = f"{pages} pages"
        elif r < 0.68:
            text = f"{base}; accepted {'at' if venues else 'for publication in'} {where}"
        elif r < 0.73:
            text = f"Accepted {'at' if venues else 'for publication in'} {where}"
        elif r < 0.78 and fam == "emp":
            text = f"{base}. Code is available at {slots['URL']}"
        elif r < 0.84:
            text = f"{base}, under review" if venues else f"{base}, submitted to {where}"
        elif r < 0.88 and nver > 1:
            text = f"v{nver}: minor revisions, references added"
        elif r < 0.91:
            text = self.pick(("Published version", "Final version", "Comments welcome!"))
        elif r < 0.95:
            text = f"{pages}+{2 + int(rnd() * 20)} pages, {fig_text}"
        else:
            text = f"{base}; typos corrected and a discussion of related work added"
        if len(text) > 72:
            text = "\n  ".join(_WRAP72.findall(text))
        return text

    def _categories(self, topic: _Topic, year: int) -> str:
        rnd = self.rnd
        cats = [topic.category.code]
        extra = bisect(_CROSS_CUM, rnd() * _CROSS_CUM[-1])
        cross = topic.cross
        if extra and cross:
            start = int(rnd() * len(cross))
            cats += [cross[(start + i) % len(cross)] for i in range(min(extra, len(cross)))]
        out: list[str] = []
        for c in cats:
            if year < 2009 and c.startswith("astro-ph."):
                c = "astro-ph"  # astro-ph had no subject classes before 2009
            if c not in out:
                out.append(c)
            alias = _ALIASES.get(c)
            if alias and alias not in out:
                out.append(alias)
        return " ".join(out)

    def _license(self, year: int) -> str | None:
        if year < 2009 and self.rnd() < 0.88:
            return None
        return self.weighted(*(_LIC_OLD if year < 2014 else _LIC_NEW))


def _number_slot(values: _Slots, key: str) -> str:
    """Journal, DOI and report-number fields: {P} a page, {D5} five digits, ..."""
    rnd = values.rnd
    if key == "P":
        return str(1 + int(rnd() * 2999))
    if key == "P2":
        return str(int(values["P"]) + 4 + int(rnd() * 30))
    if key == "N":
        return str(1 + int(rnd() * 12))
    if key == "MM":
        return f"{1 + int(rnd() * 12):02d}"
    if key == "d":
        return str(int(rnd() * 10))
    if key[0] in "DA" and key[1:].isdigit():
        width = int(key[1:])
        return f"{int(rnd() * 10**width):0{width}d}"
    raise KeyError(f"no rule for the number field {key!r}")


def _title_case(title: str) -> str:
    words = title.split(" ")
    for i in range(1, len(words)):
        w = words[i]
        if w and w[0].islower() and w not in _SMALL_WORDS and "$" not in w and "\\" not in w:
            words[i] = w[0].upper() + w[1:]
    return " ".join(words)


_MIDDLE = "ABCDEFGHJKLMNPRSTW"
_FEMININE = {
    "ru": lambda n: n + "a" if n.endswith(("ov", "ev", "in")) else n,
    "pl": lambda n: n[:-1] + "a" if n.endswith(("ski", "cki")) else n,
}
_JOURNAL_NAMES = {g: [j[0] for j in rows if "{" not in j[0]] for g, rows in JOURNALS.items()}


_AUTHOR_WEIGHTS = {
    "emp": [5, 12, 16, 16, 14, 11, 8, 6, 4, 3, 2, 1.5, 1.5],
    "math": [30, 36, 20, 8, 3, 1.2, 0.5, 0.3, 0.2, 0.1, 0.1, 0.1, 0.05],
    "phys": [12, 18, 17, 14, 11, 8, 6, 4, 3, 2, 1.5, 1.5, 2],
}
_AUTHOR_CUM = {k: _cum(v) for k, v in _AUTHOR_WEIGHTS.items()}
_VERSION_CUM = _cum([56.5, 29.5, 9.5, 3, 1.5])  # the real sample: 113/59/20/5/3 of 200
_CROSS_CUM = _cum([55, 30, 10, 3, 2])
_LIC_OLD = ([u for u, _ in _LICENSES_OLD], _cum([w for _, w in _LICENSES_OLD]))
_LIC_NEW = ([u for u, _ in _LICENSES_NEW], _cum([w for _, w in _LICENSES_NEW]))


# ---------------------------------------------------------------------------
# Topic choice, by year (fields grow at different rates) or by old archive.


@lru_cache(maxsize=256)
def _topic_table(year: int) -> tuple[list[_Topic], list[float]]:
    topics, weights = [], []
    for cat in CATEGORIES.values():
        if year < cat.since:
            continue
        cat_weight = cat.weight * math.exp(cat.growth * (min(year, 2026) - 2022))
        live = [t for t in cat.topics if t.since <= year] or cat.topics
        total = sum(t.weight for t in live)
        for t in live:
            topics.append(t)
            weights.append(cat_weight * t.weight / total)
    return topics, _cum(weights)


@lru_cache(maxsize=64)
def _archive_topics(archive: str, year: int) -> tuple[list[_Topic], list[float]]:
    topics, cum = _topic_table(max(year, 1992))
    out, weights = [], []
    prev = 0.0
    for t, c in zip(topics, cum, strict=True):
        code = t.category.code
        if code == archive or code.split(".")[0] == archive:
            out.append(t)
            weights.append(c - prev)
        prev = c
    if not out:  # an archive whose categories did not exist yet that year
        return _archive_topics(archive, year + 1)
    return out, _cum(weights)


# ---------------------------------------------------------------------------
# Public API.


def _chunk_records(chunk: _Chunk, seed: int, end: date) -> Iterator[dict]:
    rng = random.Random(f"{seed}/{chunk.stream}")
    builder = _Builder(rng, OLD_STYLE_START, end)
    numbers = sorted(rng.sample(range(chunk.num_lo, chunk.num_hi), chunk.count))
    times = sorted(rng.randrange(chunk.t_lo, chunk.t_hi) for _ in range(chunk.count))
    if chunk.archive is None:
        topics, cum = _topic_table(chunk.year)
    else:
        topics, cum = _archive_topics(chunk.archive, chunk.year)
    prefix, width, weighted, record = chunk.prefix, chunk.width, builder.weighted, builder.record
    for number, t0 in zip(numbers, times, strict=True):
        yield record(f"{prefix}{number:0{width}d}", t0, weighted(topics, cum))


def check(
    count: int,
    seed: int = 42,
    start_date: date | str = DEFAULT_START,
    end_date: date | str = DEFAULT_END,
    id_style: str = "new",
    old_share: float = 0.15,
) -> None:
    """Raise ValueError, saying why, if ``generate`` cannot make these papers.

    For a command line to refuse an impossible request (dates before
    new-style ids, more papers than a month's ids hold) before it writes anything.
    """
    _plan(count, seed, start_date, end_date, id_style, old_share)


def generate(
    count: int,
    seed: int = 42,
    start_date: date | str = DEFAULT_START,
    end_date: date | str = DEFAULT_END,
    id_style: str = "new",
    old_share: float = 0.15,
) -> Iterator[dict]:
    """Yield ``count`` snapshot records (dicts with the Kaggle keys), in id order."""
    end = _as_date(end_date)
    for chunk in _plan(count, seed, start_date, end, id_style, old_share):
        yield from _chunk_records(chunk, seed, end)


def _json_ascii_escape(exc: UnicodeError) -> tuple[str, int]:
    """Codec error handler: non-ASCII characters as JSON \\uXXXX escapes."""
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    out = []
    for ch in exc.object[exc.start : exc.end]:
        c = ord(ch)
        if c > 0xFFFF:  # a surrogate pair, as JSON spells characters beyond the BMP
            c -= 0x10000
            out.append(f"\\u{0xD800 | (c >> 10):04x}\\u{0xDC00 | (c & 0x3FF):04x}")
        else:
            out.append(f"\\u{c:04x}")
    return "".join(out), exc.end


codecs.register_error("paperscope.synthetic.json_ascii", _json_ascii_escape)


def dumps(record: dict) -> bytes:
    """One snapshot line: compact JSON with non-ASCII escaped, as the real file has it.

    The same bytes as ``json.dumps(record, separators=(",", ":")) + "\\n"``,
    several times faster.
    """
    line = orjson.dumps(record, option=orjson.OPT_APPEND_NEWLINE)
    if line.isascii():
        return line
    return line.decode().encode("ascii", "paperscope.synthetic.json_ascii")


def _chunk_lines(task: tuple[_Chunk, int, date]) -> tuple[int, bytes]:
    chunk, seed, end = task
    return chunk.count, b"".join(map(dumps, _chunk_records(chunk, seed, end)))


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@dataclass(slots=True)
class WriteStats:
    """What ``write`` did: the lines and bytes written and the seconds it took."""

    lines: int
    bytes: int
    seconds: float

    @property
    def lines_per_second(self) -> float:
        return self.lines / self.seconds if self.seconds else float("inf")


def write(
    path: str | os.PathLike,
    count: int,
    seed: int = 42,
    start_date: date | str = DEFAULT_START,
    end_date: date | str = DEFAULT_END,
    id_style: str = "new",
    old_share: float = 0.15,
    jobs: int = 1,
    progress: Callable[[int, float], None] | None = None,
    progress_every: int = 100_000,
) -> WriteStats:
    """Write ``count`` lines to ``path`` atomically (a temporary file, then a rename).

    ``jobs`` > 1 generates in that many worker processes (where ``fork`` is
    available); the file is the same whatever ``jobs`` is. ``progress(lines,
    seconds)`` is called each time another ``progress_every`` lines are written.
    """
    path = Path(path)
    started = time.perf_counter()
    end = _as_date(end_date)
    chunks = _plan(count, seed, start_date, end, id_style, old_share)
    tasks = [(chunk, seed, end) for chunk in chunks]
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    if hasattr(os, "fchmod"):  # mkstemp makes the file private; give it the usual mode
        os.fchmod(fd, 0o666 & ~_umask())
    size = done = 0
    next_report = progress_every
    pool = None
    try:
        if jobs > 1 and len(tasks) > 1 and "fork" in multiprocessing.get_all_start_methods():
            # fork: workers start with the vocabulary already parsed, instead
            # of importing this package and parsing it again.
            pool = multiprocessing.get_context("fork").Pool(jobs)
            results: Iterator[tuple[int, bytes]] = pool.imap(_chunk_lines, tasks)
        else:
            results = map(_chunk_lines, tasks)
        with os.fdopen(fd, "wb") as out:
            for n, data in results:
                out.write(data)
                size += len(data)
                done += n
                if progress and done >= next_report:
                    progress(done, time.perf_counter() - started)
                    next_report = (done // progress_every + 1) * progress_every
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()
    return WriteStats(done, size, time.perf_counter() - started)
