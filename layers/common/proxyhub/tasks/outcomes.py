"""What an executor reports after one run; the engine turns it into a status with `policy.decide`.

Every outcome may carry the proxy warehouse's order number once it is known.
"""

from dataclasses import dataclass

from proxyhub.errors import (
    ConcurrentUpdateError,
    DomainError,
    TransientVendorError,
    VendorError,
    VendorThrottledError,
)
from proxyhub.models.tasks import RunOutcome, TaskType


@dataclass(frozen=True, kw_only=True)
class OutcomeBase:
    third_party_order_no: str | None = None


@dataclass(frozen=True)
class Done(OutcomeBase):
    """The business reached its end state: the task succeeds."""

    summary: str


@dataclass(frozen=True)
class NotYet(OutcomeBase):
    """Nothing wrong, the proxy side is not finished: poll again after the policy's interval.

    `hand_over_to` continues the task as another type, e.g. a create task whose order is in transit
    for weeks becomes a query task (the policy also does this by itself after a create phase's limit).
    """

    summary: str
    hand_over_to: TaskType | None = None


@dataclass(frozen=True)
class Continue(OutcomeBase):
    """Progress saved, more to do, out of time for this run: run again at once, in a fresh invocation.

    Not a retry: it does not count towards the rule's run limit, nor wait its interval. `progress`
    says how far the work got ("page 120 of ~400"), for the task's details.
    """

    summary: str
    progress: str | None = None


@dataclass(frozen=True)
class FailedTransient(OutcomeBase):
    """Worth retrying unchanged (timeouts, 5xx); counts towards the consecutive-failure limit."""

    error: str


@dataclass(frozen=True)
class Deferred(OutcomeBase):
    """The proxy side asked us to wait (429, Retry-After) or its circuit is open: try again after
    `retry_after_seconds`; nothing failed, so neither the failure count nor the retry limit moves."""

    reason: str
    retry_after_seconds: float | None = None


@dataclass(frozen=True)
class FailedPermanent(OutcomeBase):
    """Retrying unchanged cannot succeed (the proxy rejected the payload): an operator must act."""

    error: str


@dataclass(frozen=True)
class NeedsManual(OutcomeBase):
    """The proxy side is done but a local action failed, e.g. "Customer account not open, cannot receive"."""

    reason: str


@dataclass(frozen=True)
class Cancelled(OutcomeBase):
    """The business operation was cancelled; the task will not run again."""

    summary: str


type Outcome = (
    Done | NotYet | Continue | Deferred | FailedTransient | FailedPermanent | NeedsManual | Cancelled
)

RUN_OUTCOMES: dict[type[OutcomeBase], RunOutcome] = {
    Done: RunOutcome.DONE,
    NotYet: RunOutcome.NOT_YET,
    Continue: RunOutcome.CONTINUE,
    Deferred: RunOutcome.DEFERRED,
    FailedTransient: RunOutcome.FAILED_TRANSIENT,
    FailedPermanent: RunOutcome.FAILED_PERMANENT,
    NeedsManual: RunOutcome.NEEDS_MANUAL,
    Cancelled: RunOutcome.CANCELLED,
}


def run_outcome(outcome: Outcome) -> RunOutcome:
    """The name a run's history entry gives its outcome."""
    return RUN_OUTCOMES[type(outcome)]


def outcome_for_error(error: Exception) -> Outcome:
    """The one mapping from errors to outcomes, so executors may simply raise: vendor and domain errors
    carry operator-safe messages."""
    if isinstance(error, VendorThrottledError):
        return Deferred(error.message, error.retry_after_seconds)
    if isinstance(error, TransientVendorError | ConcurrentUpdateError):
        return FailedTransient(error.message)
    if isinstance(error, VendorError | DomainError):
        return FailedPermanent(error.message)
    # Unknown exceptions may quote anything, credentials included: operators see the type only.
    return FailedTransient(f"Unexpected error ({type(error).__name__}); see the task runner logs")
