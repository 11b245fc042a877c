"""The crontab that runs paperscope's daily jobs: ``paperscope schedule``.

Every day at one time (UTC): harvest arXiv, embed the new papers, send the
daily digest, one after the other; on one day of the week the weekly digest
after them; every 15 minutes, the lenses' webhooks (``paperscope lenses
deliver``). Each step resumes where it stopped and sends nothing twice, so a
late or repeated run is harmless and cron's plain "run this at 06:00" is all
the scheduling needed. Each line holds a ``flock`` so that a late run waits
for the one before, and appends its output to ``schedule.log``.

:func:`crontab` only builds the text, from the settings and the options as
typed; it checks the options (raising :class:`~paperscope.errors.BadInput`)
and touches nothing. The CLI makes the folder the lock and the log live in,
then prints the text.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from paperscope.config import Settings
from paperscope.daily import parse_day
from paperscope.errors import BadInput
from paperscope.store import is_postgres
from paperscope.store.base import redact
from paperscope.store.sqlite import sqlite_path

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_TIME = re.compile(r"([01]?[0-9]|2[0-3]):([0-5][0-9])", re.ASCII)
# An OAI-PMH setSpec: colon-separated parts of letters, digits and -_.!~*'()
_SET = re.compile(r"[A-Za-z0-9_.!~*'()-]+(:[A-Za-z0-9_.!~*'()-]+)*", re.ASCII)


@dataclass(frozen=True)
class Crontab:
    """The crontab's text, and the folder its lock and log live in (which
    must exist before cron runs it: ``flock`` makes the file, not the folder)."""

    text: str
    folder: Path


def crontab(
    settings: Settings,
    *,
    at: str = "06:00",
    weekly_on: str = "mon",
    set_spec: str = "cs",
    from_date: str | None = None,
    today: date,
    command: str = "paperscope",
    data_folder: Path,
) -> Crontab:
    """The crontab lines for ``settings``' library.

    ``at`` is ``HH:MM`` in UTC, ``weekly_on`` a day (``mon`` or ``monday``),
    ``from_date`` the ``--from`` of the first harvest (default ``today``),
    ``command`` the paperscope executable, and ``data_folder`` where the lock
    and the log go for a PostgreSQL library (a SQLite one keeps them beside
    its file). The site's public address comes from ``settings``: the
    digests need it for their links, so a schedule without it is refused.
    """
    hour, minute = _time(at)
    weekday = _weekday(weekly_on)
    since = _day(from_date) if from_date is not None else today
    if not settings.base_url:
        raise BadInput("links in the digests need the site's public address: pass --base-url "
                       "(such as https://papers.example.org) or set PAPERSCOPE_BASE_URL",
                       param="base_url")  # fmt: skip
    if not _SET.fullmatch(set_spec):
        raise BadInput(f"--set {set_spec[:40]!r} is not an arXiv set like cs or physics:hep-th",
                       param="set")  # fmt: skip
    if is_postgres(settings.database):
        # Never a password in a crontab: libpq reads it from ~/.pgpass or PGPASSWORD.
        database = redact(settings.database).replace(":***@", "@")
        folder = data_folder
        lock = folder / "schedule.lock"
    else:
        path = sqlite_path(settings.database).resolve()
        database, folder = str(path), path.parent
        lock = Path(f"{path}.schedule.lock")
    for name, value in (("the database", database), ("the data folder", str(folder)),
                        ("the command", command)):  # fmt: skip
        if any(not ch.isprintable() for ch in value):
            raise BadInput(f"{name} {value[:80]!r} holds a control character or line break, "
                           "which a crontab cannot hold")  # fmt: skip
    cmd = shlex.quote(command)
    log = shlex.quote(str(folder / "schedule.log"))
    other_days = ",".join(str(d) for d in range(7) if d != weekday)
    chain = (f"{cmd} harvest arxiv --set {shlex.quote(set_spec)} --from {since} -q; "
             f"{cmd} embed -q; {cmd} digest send --period daily -q")  # fmt: skip
    weekly = f"{chain}; {cmd} digest send --period weekly -q"
    lines = [
        "# paperscope: harvest arXiv, embed, then send the digests (times in UTC).",
        "# Install: paperscope schedule ... | crontab -   (this replaces your crontab)",
        "CRON_TZ=UTC",
    ]
    if is_postgres(database) and database != settings.database:
        lines.append("# The password is left out: put it in ~/.pgpass (or PGPASSWORD) for cron.")
    lines.append(f"PAPERSCOPE_DB={database}")
    lines.append(f"PAPERSCOPE_BASE_URL={settings.base_url}")
    lines.append("# Mail: add PAPERSCOPE_SMTP_HOST=, PAPERSCOPE_MAIL_FROM= and the rest (README).")
    for cron_days, steps in ((other_days, chain), (str(weekday), weekly)):
        job = f"flock {shlex.quote(str(lock))} sh -c {shlex.quote(steps)} >> {log} 2>&1"
        job = job.replace("%", r"\%")  # cron reads a bare % in a command as a line break
        lines.append(f"{minute} {hour} * * {cron_days} {job}")
    # Lens webhooks every quarter of an hour, with a lock of their own: they
    # need not wait for the morning's harvest, and -n skips a run while the
    # last one is still posting (it would find the same matches pending).
    hooks_lock = shlex.quote(str(lock).replace("schedule.lock", "webhooks.lock"))
    job = f"flock -n {hooks_lock} {cmd} lenses deliver >> {log} 2>&1".replace("%", r"\%")
    lines.append("# New matches of lenses with a webhook, posted every 15 minutes.")
    lines.append(f"*/15 * * * * {job}")
    return Crontab("\n".join(lines), folder)


def _time(text: str) -> tuple[int, int]:
    m = _TIME.fullmatch(text.strip())
    if m is None:
        raise BadInput(f"--at {text[:20]!r} is not a time like 06:00 (HH:MM, UTC)", param="at")
    return int(m[1]), int(m[2])


def _weekday(text: str) -> int:
    """The day as cron counts it: Sunday is 0."""
    name = text.strip().lower()
    if name in DAYS:
        index = DAYS.index(name)
    elif name in DAY_NAMES:
        index = DAY_NAMES.index(name)
    else:
        raise BadInput(f"--weekly-on {text[:20]!r} is not a day: {', '.join(DAYS)}",
                       param="weekly_on")  # fmt: skip
    return (index + 1) % 7


def _day(text: str) -> date:
    day = parse_day(text.strip())
    if day is not None:
        return day
    raise BadInput(f"--from {text[:40]!r} is not a date like 2026-11-01", param="from")
