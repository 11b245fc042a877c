"""Accounts: sign-up, log-in, sessions, password resets and rate limits.

The rules, in one place:

- Passwords are hashed with argon2id (argon2-cffi's defaults, rehashed when
  those change) and must be 10 to 1,024 characters; nothing else is imposed.
- A log-in always makes a new session token (so a token planted before log-in
  is worth nothing: no session fixation) and log-out deletes it. Tokens are 32
  random bytes; the database keeps only their SHA-256. Each session has its
  own CSRF token, which every state-changing request must echo.
- Reset tokens are single use and expire after an hour. Setting a password
  (by a reset, or a change) spends every other reset token of the account
  and signs it out everywhere; a change, made knowing the old password,
  hands back one fresh session for the browser that made it.
- Deleting an account needs its password, and is refused to the site's only
  admin while other accounts exist (someone must be able to moderate). Asking for a reset never says whether an
  address has an account, and costs the same either way: the request only
  counts the attempt; looking the account up, making the token and sending
  the mail happen after the answer (:meth:`Accounts.prepare_reset`, run by
  the web service's mail queue).
- Failed log-ins slow the guesser down, not the account's owner. Only
  failures count, each in three tallies: this address trying this account,
  this address trying any account, and any address trying this account.
  Past a tally's free failures, each further attempt must wait twice as
  long as the one before (up to that tally's cap) after the last failure.
  The owner, logging in from another address, is held back only by the
  third tally, which allows many failures and waits at most a minute: a
  stranger who knows an address can no longer lock its owner out. A
  successful log-in clears the first tally.
- Other limits count every attempt, per address or account, in the
  database, so every server process shares them: 5 sign-ups an hour, 3 reset
  emails an hour, 30 comments an hour, 10 password checks an hour (to change
  it or delete the account).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from paperscope.errors import BadInput
from paperscope.store.community import CommunityStore, Taken, User

SESSION_DAYS = 30
RESET_MINUTES = 60
PASSWORD_MIN, PASSWORD_MAX = 10, 1_024
# name: (attempts, seconds) for the limits that count every attempt.
LIMITS = {
    "signup": (5, 3_600),
    "reset": (3, 3_600),
    "comment": (30, 3_600),  # per account: enough to talk, too few to flood
    # Per account: the password asked again to change it or delete the account,
    # so that a stolen session cannot guess it there instead of at log-in.
    "reauth": (10, 3_600),
}
# Failed log-ins: tally -> (free failures, longest wait in seconds); see the module.
LOGIN_WINDOW = 15 * 60  # failures older than this are forgotten
LOGIN_BACKOFF = {
    "pair": (5, LOGIN_WINDOW),  # one address guessing one account's password
    "client": (30, LOGIN_WINDOW),  # one address trying many accounts
    "account": (100, 60),  # many addresses trying one account: slowed, never locked
}

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
NAME_RULE = "2 to 40 letters, digits, '.', '_' or '-', starting with a letter or digit"
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{1,39}", re.ASCII)
# A hash to verify against when no account has the address, so that a wrong
# address costs as much time as a wrong password.
_DUMMY_PASSWORD = "not a password anybody has"


class AccountError(BadInput):
    """Something the user can fix; the message says what."""


class RateLimited(AccountError):
    status = 429

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(frozen=True)
class Session:
    token: str  # goes in the cookie; never stored
    csrf: str
    user: User


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


class Accounts:
    """The account rules over the library's people store (``Library.people``)."""

    def __init__(
        self,
        people: CommunityStore,
        *,
        clock: Callable[[], datetime] | None = None,
        hasher: PasswordHasher | None = None,
    ):
        self.db = people
        self.clock = clock or (lambda: datetime.now(UTC))
        self.hasher = hasher or PasswordHasher()
        self._dummy_hash = self.hasher.hash(_DUMMY_PASSWORD)

    # -- accounts ----------------------------------------------------------------

    def sign_up(
        self, email: str, name: str, password: str, *, client: str = "", admin: bool = False
    ) -> User:
        """A new account. Raises AccountError naming the field that is wrong."""
        email, name = email.strip(), name.strip()
        if not _EMAIL.fullmatch(email) or len(email) > 254:
            raise AccountError(f"{email[:80]!r} is not an email address", param="email")
        if not _NAME.fullmatch(name):
            raise AccountError(f"a name is {NAME_RULE}", param="name")
        self._check_password(password)
        if client:
            self.limit("signup", f"signup-ip:{client}")
        try:
            return self.db.add_user(email, name, self.hasher.hash(password), admin=admin)
        except Taken as exc:
            raise AccountError(str(exc)) from None

    def user_by_email(self, email: str) -> User | None:
        found = self.db.user_by_email(email.strip())
        return found[0] if found else None

    def log_in(self, email: str, password: str, *, client: str = "") -> Session:
        """A new session for the right password; AccountError (the same for a
        wrong address and a wrong password) or RateLimited otherwise."""
        email = email.strip()
        tallies = _login_tallies(client, email.lower())
        now = self.clock().timestamp()
        self._wait_for_backoff(tallies, now)
        found = self.db.user_by_email(email)
        stored = found[1] if found else self._dummy_hash
        try:
            self.hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            for key in tallies.values():
                self.db.hit(key, now, LOGIN_WINDOW)
            raise AccountError("wrong email address or password") from None
        if found is None:  # only reachable if someone's password is the dummy one
            raise AccountError("wrong email address or password")
        user = found[0]
        self.db.forget_hits(tallies["pair"])
        if self.hasher.check_needs_rehash(stored):
            self.db.set_password_hash(user.id, self.hasher.hash(password))
        return self._new_session(user)

    def _wait_for_backoff(self, tallies: dict[str, str], now: float) -> None:
        """RateLimited if any tally's back-off has not run out yet."""
        wait = 0.0
        for tally, key in tallies.items():
            free, cap = LOGIN_BACKOFF[tally]
            failures, last = self.db.hits(key, now - LOGIN_WINDOW)
            if failures > free and last is not None:
                wait = max(wait, last + min(2.0 ** (failures - free), cap) - now)
        if wait > 0:
            seconds = int(wait) + 1
            raise RateLimited(
                f"too many attempts: too many wrong passwords, try again in {seconds:,} "
                f"second{'s' if seconds != 1 else ''}",
                retry_after=seconds,
            )

    def session(self, token: str | None) -> tuple[User, str] | None:
        """The user and CSRF token behind a session cookie, if it is live."""
        if not token:
            return None
        return self.db.session(token_hash(token), self._now())

    def log_out(self, token: str | None) -> None:
        if token:
            self.db.drop_session(token_hash(token))

    def make_admin(self, user_id: int, admin: bool = True) -> None:
        self.db.set_admin(user_id, admin)

    def change_password(self, user_id: int, old: str, new: str) -> Session:
        """Set a new password, knowing the old one. Every session and every
        unused reset token of the account ends with the old password; the
        returned session, made after, is the one that goes on (for the
        browser that changed it, which has just proved it knows the password)."""
        self._check_current(user_id, old)
        self._check_password(new)
        self.db.replace_password(user_id, self.hasher.hash(new), self._now())
        user = self.db.user(user_id)
        assert user is not None  # checked above
        return self._new_session(user)

    def delete_account(self, user_id: int, password: str) -> None:
        """Delete an account, knowing its password (see
        :meth:`CommunityStore.delete_user` for what goes and what stays).
        The site's only admin cannot leave while others have accounts: make
        another admin first (``paperscope user add EMAIL --admin``)."""
        self._check_current(user_id, password)
        user = self.db.user(user_id)
        admins, everyone = self.db.count_admins()
        if user is not None and user.is_admin and admins == 1 and everyone > 1:
            raise AccountError(
                "you are this site's only admin: make another account an admin first"
                " (paperscope user add EMAIL --admin), then delete yours"
            )
        self.db.delete_user(user_id)

    def _check_current(self, user_id: int, password: str) -> None:
        """AccountError unless ``password`` is the account's password (RateLimited
        past the "reauth" limit)."""
        self.limit("reauth", f"reauth-user:{user_id}")
        try:
            self.hasher.verify(self.db.password_hash(user_id) or self._dummy_hash, password)
        except (VerificationError, InvalidHashError):
            raise AccountError("the current password is wrong", param="old") from None

    # -- password resets ------------------------------------------------------------

    def request_reset(self, email: str, *, client: str = "") -> None:
        """Count a reset request (RateLimited past the limits). The same work
        whether or not an account has the address: nothing is looked up
        here; :meth:`prepare_reset` does that after the answer is sent."""
        email = email.strip()
        self.limit("reset", f"reset-ip:{client}")
        self.limit("reset", f"reset-email:{email.lower()}")

    def prepare_reset(self, email: str) -> tuple[User, str] | None:
        """A reset token for the account with this address (to be emailed), or
        None when there is no such account."""
        found = self.db.user_by_email(email.strip())
        if found is None:
            return None
        token = secrets.token_urlsafe(32)
        expires = self.clock() + timedelta(minutes=RESET_MINUTES)
        self.db.add_reset(token_hash(token), found[0].id, _iso(expires))
        return found[0], token

    def reset_is_usable(self, token: str) -> bool:
        """Whether a reset link still works (unused, not expired), without spending it."""
        return self.db.reset_user(token_hash(token), self._now()) is not None

    def reset_password(self, token: str, password: str) -> User:
        """Set a new password with a reset token, which is then spent, with
        every other reset token of the account; every session ends."""
        self._check_password(password)
        now = self._now()
        user_id = self.db.use_reset(token_hash(token), now)
        if user_id is None:
            raise AccountError("this reset link is invalid, used or expired: ask for a new one")
        self.db.replace_password(user_id, self.hasher.hash(password), now)
        user = self.db.user(user_id)
        assert user is not None
        return user

    # -- helpers -------------------------------------------------------------------------

    def _new_session(self, user: User) -> Session:
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
        expires = self.clock() + timedelta(days=SESSION_DAYS)
        self.db.add_session(token_hash(token), user.id, csrf, _iso(expires))
        return Session(token, csrf, user)

    def _check_password(self, password: str) -> None:
        if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
            raise AccountError(
                f"a password is {PASSWORD_MIN} to {PASSWORD_MAX:,} characters"
                f" (this one has {len(password):,})",
                param="password",
            )

    def limit(self, kind: str, key: str) -> None:
        """Count an attempt at ``kind`` (a key of LIMITS) under ``key``;
        RateLimited once there were too many in its window."""
        attempts, window = LIMITS[kind]
        now = self.clock().timestamp()
        if self.db.hit(key, now, window) > attempts:
            minutes = max(1, window // 60)
            raise RateLimited(
                f"too many attempts: at most {attempts} in {minutes} minutes, try again later",
                retry_after=window,
            )

    def _now(self) -> str:
        return _iso(self.clock())


def _login_tallies(client: str, email: str) -> dict[str, str]:
    return {
        "pair": f"login-pair:{client}:{email}",
        "client": f"login-ip:{client}",
        "account": f"login-email:{email}",
    }


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
