"""Passwords (argon2id), login rate limiting and CSRF tokens."""

from __future__ import annotations

import hmac
import math
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

PRODUCTION = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
"""argon2id with OWASP's recommended minimum (19 MiB, 2 passes): memory-hard, yet a login
costs about 30 ms of CPU, so 200 units signing in within a minute do not stall the desk."""
_HASHER = PRODUCTION
"""The hasher in use: always ``PRODUCTION`` in the desk. Only the in-process tests
(tests/test_desk.py) swap in a cheap one through ``use_hasher``, to save CPU; the tests of
the real server process (tests/test_desk_server.py) check that its hashes are PRODUCTION's."""
_DUMMY = _HASHER.hash("make-report-desk-dummy")


def use_hasher(hasher: PasswordHasher) -> PasswordHasher:
    """Make ``hasher`` the one in use; returns the one it replaces (tests only)."""
    global _HASHER, _DUMMY
    previous, _HASHER = _HASHER, hasher
    _DUMMY = hasher.hash("make-report-desk-dummy")
    return previous


_HASHING = threading.BoundedSemaphore(4)
"""Each hash takes 19 MiB: at most four at once (76 MiB) keeps memory flat under a burst of
logins. Not fewer: a login waiting here holds one of the server's request threads, and with
two slots on a busy 2-core machine the waiting logins took the threads every other page
needed (bench/desk_load.py: upload p95 1.1 s with two slots, 0.35 s with four)."""


def hash_password(password: str) -> str:
    with _HASHING:
        return _HASHER.hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    """True when ``password`` matches; an unknown user costs the same time as a wrong one."""
    try:
        with _HASHING:
            return _HASHER.verify(stored or _DUMMY, password) and stored is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def new_password() -> str:
    """An initial password a clerk can type: 12 characters without look-alikes."""
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(12))


MIN_PASSWORD = 8


class LoginLimiter:
    """At most ``attempts`` failed logins per user name, and ``ip_attempts`` per client
    address (higher: a county's units may share one address), within ``window`` seconds.
    ``clock`` is injectable so tests do not depend on time."""

    def __init__(self, attempts: int = 5, window: float = 300.0, ip_attempts: int = 50,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.attempts, self.window, self.clock = attempts, window, clock
        self.ip_attempts = ip_attempts
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str) -> deque[float]:
        q = self._failures.setdefault(key, deque())
        limit = self.clock() - self.window
        while q and q[0] < limit:
            q.popleft()
        return q

    def blocked(self, user_key: str, ip_key: str) -> int:
        """Seconds to wait when the name or the address has too many recent failures."""
        with self._lock:
            wait = 0.0
            for key, limit in ((user_key, self.attempts), (ip_key, self.ip_attempts)):
                q = self._recent(key)
                if len(q) >= limit:
                    wait = max(wait, q[len(q) - limit] + self.window - self.clock())
            if len(self._failures) > 100_000:  # bounded memory under a flood of names
                self._failures = {k: v for k, v in self._failures.items() if v}
            return math.ceil(wait) if wait > 0 else 0

    def failed(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                self._recent(key).append(self.clock())

    def succeeded(self, username_key: str) -> None:
        with self._lock:
            self._failures.pop(username_key, None)


def csrf_token(session: dict) -> str:
    token = session.get("csrf")
    if not token:
        token = session["csrf"] = secrets.token_urlsafe(32)
    return token


def csrf_ok(session: dict, sent: object) -> bool:
    token = session.get("csrf")
    return bool(token) and isinstance(sent, str) and hmac.compare_digest(token, sent)
