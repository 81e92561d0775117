"""Outbound protection toward one vendor system: a rate limit that honours 429/Retry-After, and a circuit.

One guard per proxy system per process (a warm Lambda container), shared by every client of that
system, like the token cache. Before a call, `admit()` either lets it through (after a short wait for
the rate limit's next slot) or raises `HeldBack`: the system asked us to slow down and its Retry-After
has not passed, or the circuit is open because the system failed `failures_to_open` times in a row.
An open circuit lets one trial call through after its cool-down (half-open); a success closes it, a
failure opens it again for twice as long, up to `max_open_seconds`.

Held-back calls send nothing, so the adapter turns them into its port's throttled error: a task then
waits (it does not count towards manual handling) and the system is not hammered while it is down.
"""

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

RATE_PER_SECOND = 20.0
BURST = 40
# A slot this close is waited for; a longer wait is a refusal the caller retries later.
MAX_WAIT_SECONDS = 0.5
FAILURES_TO_OPEN = 5
OPEN_SECONDS = 30.0
MAX_OPEN_SECONDS = 300.0


class HeldBack(Exception):  # noqa: N818 - what happened to the call, not a failure of ours
    def __init__(self, reason: str, retry_after_seconds: float) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after_seconds = retry_after_seconds


@dataclass(frozen=True)
class GuardSettings:
    rate_per_second: float = RATE_PER_SECOND
    burst: int = BURST
    max_wait_seconds: float = MAX_WAIT_SECONDS
    failures_to_open: int = FAILURES_TO_OPEN
    open_seconds: float = OPEN_SECONDS
    max_open_seconds: float = MAX_OPEN_SECONDS


class OutboundGuard:
    def __init__(
        self,
        name: str,
        settings: GuardSettings | None = None,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._name = name
        self._settings = settings or GuardSettings()
        self._now = monotonic
        self._sleep = sleep
        self._lock = threading.Lock()
        self._tokens = float(self._settings.burst)
        self._refilled_at = monotonic()
        self._throttled_until = 0.0
        self._consecutive_failures = 0
        self._open_until = 0.0
        self._open_seconds = self._settings.open_seconds
        self._trial_in_flight = False

    @property
    def circuit_open(self) -> bool:
        with self._lock:
            return self._open_until > self._now()

    def admit(self) -> None:
        """Lets one call through, or raises HeldBack with how long to wait."""
        with self._lock:
            now = self._now()
            if self._throttled_until > now:
                wait = self._throttled_until - now
                raise HeldBack(f"{self._name} asked us to slow down (429); retry in {wait:.0f} s", wait)
            if self._open_until:
                if self._open_until > now or self._trial_in_flight:
                    wait = max(self._open_until - now, 1.0)
                    raise HeldBack(
                        f"{self._name} is failing; calls paused for {wait:.0f} s (circuit open)", wait
                    )
                self._trial_in_flight = True  # half-open: this call is the trial
            wait = self._take_token(now)
        if wait > self._settings.max_wait_seconds:
            self._return_token()
            raise HeldBack(f"{self._name} rate limit ({self._settings.rate_per_second:g}/s) reached", wait)
        if wait > 0:
            self._sleep(wait)

    def succeeded(self) -> None:
        with self._lock:
            self._consecutive_failures = 0
            if self._open_until:
                self._open_until = 0.0
                self._open_seconds = self._settings.open_seconds
            self._trial_in_flight = False

    def failed(self) -> None:
        """The system did not answer or answered 5xx: one more towards opening the circuit."""
        with self._lock:
            now = self._now()
            self._consecutive_failures += 1
            if self._trial_in_flight:
                self._trial_in_flight = False
                self._open_seconds = min(self._open_seconds * 2, self._settings.max_open_seconds)
                self._open_until = now + self._open_seconds
            elif self._consecutive_failures >= self._settings.failures_to_open:
                self._open_until = now + self._open_seconds

    def throttled(self, retry_after_seconds: float | None) -> None:
        """The system answered 429: no call until its Retry-After (1 s when it gave none) has passed."""
        with self._lock:
            wait = retry_after_seconds if retry_after_seconds and retry_after_seconds > 0 else 1.0
            self._throttled_until = max(self._throttled_until, self._now() + wait)
            self._trial_in_flight = False

    def _take_token(self, now: float) -> float:
        """Takes the next slot; returns how long until it is due (0 when a token was available)."""
        rate = self._settings.rate_per_second
        self._tokens = min(float(self._settings.burst), self._tokens + (now - self._refilled_at) * rate)
        self._refilled_at = now
        self._tokens -= 1
        return 0.0 if self._tokens >= 0 else -self._tokens / rate

    def _return_token(self) -> None:
        with self._lock:
            self._tokens += 1


class OutboundGuards:
    """One guard per system, created on first use; shared by every client a factory makes."""

    def __init__(self, settings: GuardSettings | None = None) -> None:
        self._settings = settings or GuardSettings()
        self._guards: dict[str, OutboundGuard] = {}
        self._lock = threading.Lock()

    def for_system(self, system_code: str) -> OutboundGuard:
        with self._lock:
            guard = self._guards.get(system_code)
            if guard is None:
                guard = self._guards[system_code] = OutboundGuard(system_code, self._settings)
            return guard
