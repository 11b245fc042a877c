"""Everything a person made, as one JSON document: "Download everything I made".

The export is a list of named sections (:data:`SECTIONS`), each a function of
the library and the person that returns plain data; :func:`export` runs them
in order. A new kind of thing people make gets its line there and nothing
else changes. What is left out, on purpose: the password hash, sessions and
reset tokens (secrets, not things made), rate-limit counts, the records of
digests sent, and collections' share tokens (a link's secret: ``shared``
says whether there is one). Papers are named by id and title; the library
holds the rest.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from paperscope.library import Library
from paperscope.store.community import User

FORMAT = "paperscope-account"
VERSION = 1

Section = Callable[[Library, User], Any]


def _account(library: Library, user: User) -> dict:
    return {
        "id": user.id,
        "email": user.email,
        "name": user.name,
        "admin": user.is_admin,
        "created_at": user.created_at,
    }


def _titles(library: Library, ids: list[str]) -> dict[str, str]:
    return {p.id: p.title for p in library.get_many(list(dict.fromkeys(ids)))}


def _papers_at(library: Library, rows: list[tuple[str, str]], when: str) -> list[dict]:
    titles = _titles(library, [paper_id for paper_id, _ in rows])
    return [{"paper_id": pid, "title": titles.get(pid, ""), when: at} for pid, at in rows]


def _upvotes(library: Library, user: User) -> list[dict]:
    return _papers_at(library, library.people.upvotes_of(user.id), "voted_at")


def _submissions(library: Library, user: User) -> list[dict]:
    return _papers_at(library, library.people.submissions_of(user.id), "submitted_at")


def _comments(library: Library, user: User) -> list[dict]:
    comments = library.collections.comments_of(user.id)
    titles = _titles(library, [c.paper_id for c in comments])
    return [
        {
            "id": c.id,
            "paper_id": c.paper_id,
            "title": titles.get(c.paper_id, ""),
            "reply_to": c.parent_id,
            "body": c.body,
            "created_at": c.created_at,
            "edited_at": c.edited_at,
        }
        for c in comments
    ]


def _collections(library: Library, user: User) -> list[dict]:
    shelf = library.collections
    return [
        {
            "id": c.id,
            "name": c.name,
            "created_at": c.created_at,
            "shared": c.share_token is not None,
            "papers": [{"paper_id": p.id, "title": p.title} for p in shelf.papers(c.id)],
        }
        for c in shelf.collections_of(user.id)
    ]


def _digest(library: Library, user: User) -> dict | None:
    found = library.subscriptions.subscription(user.id)
    if found is None:
        return None
    return {
        "period": found.period,
        "trending": found.trending,
        "recommended": found.recommended,
        "created_at": found.created_at,
        "updated_at": found.updated_at,
    }


def _lenses(library: Library, user: User) -> list[dict]:
    """Each lens as its owner set it; its feed token and webhook secret are
    left out (keys, not things made), as collections' share tokens are."""
    return [lens.as_dict() for lens in library.lenses.of_user(user.id)]


#: The export's sections, in order: name -> what it holds for a person.
SECTIONS: dict[str, Section] = {
    "account": _account,
    "upvotes": _upvotes,
    "submissions": _submissions,
    "comments": _comments,
    "collections": _collections,
    "digest_subscription": _digest,
    "lenses": _lenses,
}


def export(library: Library, user: User, now: datetime) -> dict[str, Any]:
    """Everything ``user`` made, one section per entry of :data:`SECTIONS`."""
    head = {"format": FORMAT, "version": VERSION, "exported_at": now.isoformat()}
    return {**head, **{name: section(library, user) for name, section in SECTIONS.items()}}
