"""Evaluating 10,000 lenses over one day of papers, as the digest and webhook jobs do.

    python bench/lens_speed.py [--papers 100000] [--lenses 10000] [--day YYYY-MM-DD] [--seed 1]

The library is web_load.py's demo library of ``--papers`` papers over a year
(built once in bench/out/), copied once to bench/out/lens-N.db, where the
papers of the measured day (by default the busiest of the last week: the
newest day is often cut short) are embedded: a WindowMatcher reads only the window's
vectors, so embedding the other papers (about 70 minutes at 100k on this
CPU) would change nothing measured here.

The lenses are made up afresh from the library's own titles, categories and
authors, in three kinds, a third each:

- words: one or two title words, one lens in five with an exclusion too
  (``-word``), one in four also restricted to a category;
- category/author: one category, one author, or both (no words: what
  "follow this category" and "follow this author" make);
- description: another paper's title as the plain-language description
  (matched by meaning), half of them with a category.

One :class:`paperscope.lenses.WindowMatcher` over the day serves all of
them, as in a run of the jobs. Printed: the descriptions' embedding (one
batch, :meth:`WindowMatcher.prepare`), lenses/s of each kind, the whole, and
the mean matches per lens.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import time
from collections import Counter, defaultdict
from datetime import date, timedelta

from _common import OUT, figure, peak_rss_bytes
from paperscope.lenses import WindowMatcher
from paperscope.library import Library
from paperscope.store.lenses import Lens
from web_load import STOP
from web_load import library as demo_library

KINDS = ("words", "category/author", "description")


def library(papers: int, day: date | None) -> tuple[Library, date]:
    """The copy of the demo library, with the measured day's papers embedded."""
    source = demo_library(papers)
    path = OUT / f"lens-{papers}.db"
    if not path.exists():
        print(f"# copying {source.name} to {path.name} (once)", flush=True)
        shutil.copytree(f"{source}.search", f"{path}.search", dirs_exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        shutil.copyfile(source, tmp)
        tmp.replace(path)  # whole or not at all: a later run trusts what it finds
    lib = Library(path)
    if day is None:
        newest = lib.latest_feed_day()
        assert newest is not None, "the demo library has no daily feed"
        week = lib.get_many(sorted(lib.recent_ids(newest - timedelta(days=7), newest)))
        by_day = Counter((p.published or "")[:10] for p in week)
        day = date.fromisoformat(max(by_day, key=lambda d: (by_day[d], d)))  # a whole day
    ids = sorted(lib.recent_ids(day, day))
    papers_of_day = [p for p in lib.get_many(ids) if (p.published or "")[:10] == day.isoformat()]
    started = time.perf_counter()
    done = lib.engine.semantic_index().upsert(papers_of_day)
    if done:
        print(f"# embedded {done} papers of {day} in {time.perf_counter() - started:.1f} s")
    return lib, day


def make_lenses(lib: Library, n: int, rng: random.Random) -> list[tuple[str, Lens]]:
    """``n`` lenses, a third of each kind, drawn from a sample of the library."""
    sample = [p for p in lib.papers() if rng.random() < 0.05]
    words = sorted({w for p in sample for w in re.findall(r"[a-z]{4,}", p.title.lower())} - STOP)
    cats = sorted({c for p in sample for c in p.categories})
    authors = [a for p in sample for a in p.authors]
    made: list[tuple[str, Lens]] = []
    for i in range(n):
        kind = KINDS[i % 3]
        values: dict = {}
        if kind == "words":
            q = " ".join(rng.sample(words, rng.choice((1, 2))))
            if rng.random() < 0.2:
                q += f" -{rng.choice(words)}"
            values["q"] = q
            if rng.random() < 0.25:
                values["categories"] = (rng.choice(cats),)
        elif kind == "category/author":
            pick = rng.random()
            if pick < 0.8:
                values["categories"] = (rng.choice(cats),)
            if pick >= 0.5:
                values["authors"] = (rng.choice(authors),)
        else:
            values["about"] = rng.choice(sample).title
            if rng.random() < 0.5:
                values["categories"] = (rng.choice(cats),)
        made.append((kind, Lens(id=i + 1, user_id=1, name=f"lens {i}", **values)))
    return made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--papers", type=int, default=100_000)
    parser.add_argument("--lenses", type=int, default=10_000)
    parser.add_argument("--day", type=date.fromisoformat, default=None)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    lib, day = library(args.papers, args.day)
    lib.embedder().encode(["a warm-up sentence"])  # the model's load is not evaluation time
    lib.search("warm up", mode="keyword", limit=1)
    lenses = make_lenses(lib, args.lenses, random.Random(args.seed))
    lib.lenses.forget_about_vectors()  # a first run: no description embedded before
    started = time.perf_counter()
    matcher = WindowMatcher(lib, day, day)
    read = time.perf_counter() - started
    figure(f"papers published on {day}", len(matcher.papers))
    figure("WindowMatcher: reading the day's papers", read * 1000, "ms")
    t = time.perf_counter()
    matcher.prepare(lens for _, lens in lenses)
    embedding = time.perf_counter() - t
    described = len({lens.about for _, lens in lenses if lens.about})
    figure(f"embedding {described:,} descriptions (one batch)", embedding, "s")
    t = time.perf_counter()
    WindowMatcher(lib, day, day).prepare(lens for _, lens in lenses)
    figure("a later run: the descriptions read as stored", time.perf_counter() - t, "s")
    seconds: dict[str, float] = defaultdict(float)
    counts: dict[str, int] = defaultdict(int)
    found: dict[str, int] = defaultdict(int)
    for kind, lens in lenses:
        t = time.perf_counter()
        found[kind] += len(matcher.matches(lens))
        seconds[kind] += time.perf_counter() - t
        counts[kind] += 1
    for kind in KINDS:
        figure(f"{kind} lenses ({counts[kind]:,}): matching", counts[kind] / seconds[kind],
               "lenses/s")  # fmt: skip
        figure(f"{kind} lenses: mean matches", found[kind] / counts[kind])
    desc = counts["description"] / (seconds["description"] + embedding)
    figure("description lenses, their embedding included", desc, "lenses/s")
    total = read + embedding + sum(seconds.values())
    figure(f"all {len(lenses):,} lenses, everything included", total, "s")
    figure("all lenses", len(lenses) / total, "lenses/s")
    figure("keyword searches run", matcher.searches)
    figure("peak RSS", peak_rss_bytes() / 2**20, "MiB")
    lib.close()


if __name__ == "__main__":
    main()
