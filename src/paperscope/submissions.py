"""Submitting papers to the daily feed, with the community's rules.

A signed-in user names a paper by arXiv id or URL (or any reference the
library resolves; a paper it lacks is fetched from arXiv by id); it enters
today's feed with "submitted by". The rules,
each configurable, are what keeps a community feed useful:

- a paper may be at most ``max_age_days`` old (by its first arXiv version, or
  its publication date);
- a paper is submitted once: one already in the feed stays where it is;
- a user may submit at most ``daily_cap`` papers a day.

Admins are exempt from the age and cap rules, and may take any paper out of
the feed again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from paperscope.errors import BadInput
from paperscope.harvest import HarvestError
from paperscope.library import Library
from paperscope.models import Paper, parse_arxiv_id
from paperscope.store.community import User


@dataclass(frozen=True)
class Rules:
    max_age_days: int = 14
    daily_cap: int = 5


class SubmissionError(BadInput):
    """Why a submission was refused, in words for the person who made it."""


def paper_date(paper: Paper) -> date | None:
    """When a paper appeared: its first version's date, else its published date."""
    for text in [v.created for v in sorted(paper.versions, key=lambda v: v.version)[:1]] + [
        paper.published
    ]:
        if text and len(text) >= 10:
            try:
                return date.fromisoformat(text[:10])
            except ValueError:
                continue
    return None


def submit(
    library: Library,
    user: User,
    ref: str,
    today: date,
    rules: Rules,
    fetch: Callable[[str], Paper | None] | None = None,
) -> Paper:
    """Put the paper ``ref`` names into ``today``'s feed; SubmissionError if a
    rule says no. A paper the library lacks is fetched from arXiv with
    ``fetch(arxiv_id)`` (see Library.fetch_arxiv) when ``ref`` holds an arXiv id."""
    db = library.people
    ref = ref.strip()
    if not ref:
        raise SubmissionError("give an arXiv id or URL")
    paper = library.get(ref)
    parsed = parse_arxiv_id(ref)
    if paper is None and fetch is not None and parsed is not None:
        try:
            paper = fetch(parsed[0])
        except HarvestError as exc:
            raise SubmissionError(f"arXiv could not be asked for {parsed[0]} ({exc})") from None
        if paper is None:
            raise SubmissionError(f"arXiv has no paper {parsed[0]}")
    if paper is None:
        raise SubmissionError(
            f"{ref[:100]!r} is not in this library: give an arXiv id or URL, or import it first"
        )
    if paper.feed_date or db.submission(paper.id):
        raise SubmissionError(f"this paper is already in the daily feed ({paper.feed_date})")
    if not user.is_admin:
        appeared = paper_date(paper)
        if appeared is None:
            raise SubmissionError("this paper has no date, so its age cannot be checked")
        age = (today - appeared).days
        if age > rules.max_age_days:
            raise SubmissionError(
                f"this paper appeared {age} days ago; the feed takes papers at most "
                f"{rules.max_age_days} days old"
            )
        if db.submissions_on(user.id, today.isoformat()) >= rules.daily_cap:
            raise SubmissionError(
                f"you have submitted {rules.daily_cap} papers today, the daily limit"
            )
    if not db.submit(paper.id, user, today.isoformat()):
        raise SubmissionError("this paper has just been submitted by someone else")
    found = library.get(paper.id)
    assert found is not None
    return found
