"""Accounts: sign-up, log-in, sessions, password resets and rate limits.

The rules, in one place:

- Passwords are hashed with argon2id (argon2-cffi's defaults, rehashed when
  those change) and must be 10 to 1,024 characters; nothing else is imposed.
- A log-in always makes a new session token (so a token planted before log-in
  is worth nothing: no session fixation) and log-out deletes it. Tokens are 32
  random bytes; the database keeps only their SHA-256. Each session has its
  own CSRF token, which every state-changing request must echo.
- Reset tokens are single use and expire after an hour; using one signs the
  user out everywhere. Asking for a reset never says whether an address has an
  account.
- Attempts are counted per address and per account in the database, so every
  server process shares the limits: 10 log-ins per 15 minutes, 5 sign-ups an
  hour, 3 reset emails an hour, 30 comments an hour.
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
from paperscope.store.base import Store
from paperscope.store.community import CommunityStore, Taken, User

SESSION_DAYS = 30
RESET_MINUTES = 60
PASSWORD_MIN, PASSWORD_MAX = 10, 1_024
# name: (attempts, seconds)
LIMITS = {
    "login": (10, 15 * 60),
    "signup": (5, 3_600),
    "reset": (3, 3_600),
    "comment": (30, 3_600),  # per account: enough to talk, too few to flood
}

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{1,39}")
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
    def __init__(
        self,
        store: Store,
        *,
        clock: Callable[[], datetime] | None = None,
        hasher: PasswordHasher | None = None,
    ):
        self.db = CommunityStore(store)
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
            raise AccountError(f"{email[:80]!r} is not an email address")
        if not _NAME.fullmatch(name):
            raise AccountError(
                "a name is 2 to 40 letters, digits, '.', '_' or '-', starting with a letter or digit"
            )
        self._check_password(password)
        if client:
            self.limit("signup", f"signup-ip:{client}")
        try:
            return self.db.add_user(email, name, self.hasher.hash(password), admin=admin)
        except Taken as exc:
            raise AccountError(str(exc)) from None

    def log_in(self, email: str, password: str, *, client: str = "") -> Session:
        """A new session for the right password; AccountError (the same for a
        wrong address and a wrong password) or RateLimited otherwise."""
        email = email.strip()
        self.limit("login", f"login-ip:{client}")
        self.limit("login", f"login-email:{email.lower()}")
        found = self.db.user_by_email(email)
        stored = found[1] if found else self._dummy_hash
        try:
            self.hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            raise AccountError("wrong email address or password") from None
        if found is None:  # only reachable if someone's password is the dummy one
            raise AccountError("wrong email address or password")
        user = found[0]
        if self.hasher.check_needs_rehash(stored):
            self.db.set_password_hash(user.id, self.hasher.hash(password))
        return self._new_session(user)

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

    # -- password resets ------------------------------------------------------------

    def request_reset(self, email: str, *, client: str = "") -> tuple[User, str] | None:
        """A reset token for the account with this address (to be emailed), or
        None when there is no such account. Rate limited either way."""
        email = email.strip()
        self.limit("reset", f"reset-ip:{client}")
        self.limit("reset", f"reset-email:{email.lower()}")
        found = self.db.user_by_email(email)
        if found is None:
            return None
        token = secrets.token_urlsafe(32)
        expires = self.clock() + timedelta(minutes=RESET_MINUTES)
        self.db.add_reset(token_hash(token), found[0].id, _iso(expires))
        return found[0], token

    def reset_password(self, token: str, password: str) -> User:
        """Set a new password with a reset token, which is then spent; every
        session of the account ends."""
        self._check_password(password)
        user_id = self.db.use_reset(token_hash(token), self._now())
        if user_id is None:
            raise AccountError("this reset link is invalid, used or expired: ask for a new one")
        self.db.set_password_hash(user_id, self.hasher.hash(password))
        self.db.drop_sessions_of(user_id)
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
                f" (this one has {len(password):,})"
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


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
