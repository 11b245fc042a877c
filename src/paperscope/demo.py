"""A demo corpus: synthetic papers in a daily feed, for a site with no network.

A new installation has nothing to show until someone imports or harvests
papers, and a machine without a network cannot harvest. ``demo_papers`` makes
a feed like the Hugging Face daily papers from the project's own generator
(:mod:`paperscope.synthetic`): made-up titles, abstracts and authors, spread
over the last weeks, with upvotes and submitters.

The papers must never pass for real ones, nor get in the way of real ones
imported later, so each of them:

- has no arXiv id (its id is ``t-`` and a hash of its title), no DOI, no
  journal reference, no license and no links, since all of those would point
  at real papers, journals or sites;
- carries the source ``demo``, which the web service shows as a badge.

What a paper says depends only on ``count`` and ``seed``; ``today`` and
``days`` place it in the feed. Loading the corpus again therefore adds
nothing, even on a later day: the papers merge as unchanged and keep the
feed days they were first given.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from itertools import accumulate

from paperscope import synthetic
from paperscope.models import Paper, new_paper

SOURCE = "demo"

_CONTENT_START = synthetic.DEFAULT_END - timedelta(days=364)

# Relative volume of a feed day by weekday (Monday first): on Hugging Face the
# weekend pages are thin, since arXiv announces nothing on Saturday and Sunday.
_WEEKDAY_WEIGHTS = (1.0, 1.0, 1.0, 1.0, 1.0, 0.3, 0.25)
_DAY_JITTER = 0.2  # log-normal spread of a day's volume around its weekday's

# Days from a paper's arXiv date to its day in the feed: mostly one to three.
_LAG_CUM = list(accumulate((30, 30, 15, 10, 6, 5, 4)))

# Upvotes follow a Pareto law (tail exponent 1.3) cut off at about 1,000: the
# median paper gets 2, nine in ten stay at 15 or fewer and about one in a
# hundred passes 100, the shape of the real daily pages.
_UPVOTE_SCALE = 2.5
_UPVOTE_ALPHA = 1.3
_UPVOTE_MAX = 1_000

# A few regular curators submit a large share of the feed (as on Hugging
# Face, where one account posts many papers a day); authors submit the rest.
_CURATORS = 30
_CURATOR_SHARE = 0.35


def demo_papers(count: int, *, today: date, days: int = 45, seed: int = 1) -> Iterator[Paper]:
    """Yield ``count`` synthetic papers whose feed days are the ``days`` days up to
    ``today``, oldest first. The same arguments give the same papers."""
    if count < 0:
        raise ValueError("count must be 0 or more")
    if days < 1:
        raise ValueError("days must be 1 or more")
    # Two random streams, so that where the papers fall in the feed does not
    # change what they are: their upvotes and submitters depend on the seed only.
    feed_days = _feed_days(count, today, days, random.Random(f"demo/{seed}/feed"))
    rng = random.Random(f"demo/{seed}/papers")
    records = _records(count, seed)
    curators = _curators(_records(_CURATORS, seed + 1), rng)  # not the corpus's authors
    curator_cum = list(accumulate(1 / rank for rank in range(1, len(curators) + 1)))
    for record, feed_day in zip(records, feed_days, strict=True):
        parsed = record["authors_parsed"]
        lag = 1 + _pick_index(_LAG_CUM, rng)
        clock = record["versions"][0]["created"].split()[4]  # "Fri, 21 Nov 2025 05:01:27 GMT"
        submitter = None
        if rng.random() >= _CURATOR_SHARE:  # mostly the first author, else a co-author
            submitter = _handle(parsed[0] if rng.random() < 0.6 else rng.choice(parsed), rng)
        comments = record["comments"] or ""
        yield new_paper(
            title=record["title"],
            source=SOURCE,
            abstract=record["abstract"],
            authors=[_name(parts) for parts in parsed],
            published=f"{feed_day - timedelta(days=lag)}T{clock}Z",
            categories=record["categories"].split(),
            comments="" if "://" in comments else comments,  # no links to real sites
            upvotes=_upvotes(rng),
            feed_date=feed_day.isoformat(),
            # a curator, also for an author whose name makes no handle
            submitted_by=submitter or curators[_pick_index(curator_cum, rng)],
        )


def _records(count: int, seed: int) -> Iterator[dict]:
    """Synthetic arXiv records, of the generator's newest year (today's mix of fields)."""
    return synthetic.generate(
        count, seed=seed, start_date=_CONTENT_START, end_date=synthetic.DEFAULT_END
    )


def _feed_days(count: int, today: date, days: int, rng: random.Random) -> list[date]:
    """A feed day for each of ``count`` papers, in order: weekdays full, weekends thin."""
    window = [today - timedelta(days=n) for n in range(days - 1, -1, -1)]
    weights = [
        _WEEKDAY_WEIGHTS[day.weekday()] * rng.lognormvariate(0, _DAY_JITTER) for day in window
    ]
    return sorted(rng.choices(window, weights=weights, k=count))


def _pick_index(cum: Sequence[float], rng: random.Random) -> int:
    """An index drawn with the weights whose running totals are ``cum``."""
    return rng.choices(range(len(cum)), cum_weights=cum)[0]


def _upvotes(rng: random.Random) -> int:
    """A draw from the truncated Pareto law above (inverse of its distribution)."""
    cut = (_UPVOTE_SCALE / _UPVOTE_MAX) ** _UPVOTE_ALPHA
    x = _UPVOTE_SCALE * (1 - rng.random() * (1 - cut)) ** (-1 / _UPVOTE_ALPHA)
    return int(x) - int(_UPVOTE_SCALE)


def _name(parts: list[str]) -> str:
    """An author's name from arXiv's parsed form [last, first, suffix]."""
    last, first, suffix = parts
    name = f"{first} {last}" if first else last
    return f"{name} {suffix}" if suffix else name


def _curators(records: Iterator[dict], rng: random.Random) -> list[str]:
    """Handles of the regular submitters, made from the names of a few authors."""
    handles: list[str] = []
    for record in records:
        for parts in record["authors_parsed"]:
            handle = _handle(parts, rng)
            if handle and handle not in handles:
                handles.append(handle)
            if len(handles) == _CURATORS:
                return handles
    return handles


def _handle(parts: list[str], rng: random.Random) -> str | None:
    """A user name such as people make from their own: "wzhang", "maria-garcia",
    "JonasM", "priya_sharma7". None for a name with no Latin spelling here, or
    a collaboration's."""
    last, first, _ = (synthetic.fold_name(p) for p in parts)
    first = "".join(ch for ch in first.split()[0] if ch.isalpha()) if first.strip() else ""
    last = "".join(ch for ch in last if ch.isalpha())
    if not (first and last and (first + last).isascii()):
        return None
    first, last = first.lower(), last.lower()
    style = rng.randrange(6)
    if style == 0:
        handle = first + last
    elif style == 1:
        handle = first[0] + last
    elif style == 2:
        handle = f"{first}-{last}"
    elif style == 3:
        handle = last + first[0]
    elif style == 4:
        handle = first.capitalize() + last[0].upper()
    else:
        handle = f"{first}_{last}"
    if rng.random() < 0.3:
        handle += str(rng.randrange(1, 100))
    return handle
