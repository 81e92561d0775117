"""Schedule expressions are validated here because moto accepts anything."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from proxyhub.aws.scheduler import (
    InvalidScheduleExpressionError,
    at_expression,
    schedule_name,
    validate_schedule_expression,
)

pytestmark = pytest.mark.unit


def test_at_is_written_in_utc() -> None:
    shanghai = timezone(timedelta(hours=8))

    assert at_expression(datetime(2026, 6, 4, 18, 30, tzinfo=shanghai)) == "at(2026-06-04T10:30:00)"


def test_at_rounds_up_so_a_schedule_never_fires_early() -> None:
    assert at_expression(datetime(2026, 6, 4, 10, 30, 0, 1, tzinfo=UTC)) == "at(2026-06-04T10:30:01)"
    assert at_expression(datetime(2026, 12, 31, 23, 59, 59, 500_000, tzinfo=UTC)) == "at(2027-01-01T00:00:00)"


def test_at_refuses_a_time_without_a_zone() -> None:
    with pytest.raises(InvalidScheduleExpressionError):
        at_expression(datetime(2026, 6, 4, 10, 30))


@pytest.mark.parametrize(
    "expression",
    [
        "at(2026-06-04T10:30:00)",
        "at(2028-02-29T00:00:00)",
        "rate(1 minute)",
        "rate(5 minutes)",
        "rate(1 hour)",
        "rate(12 hours)",
        "rate(1 day)",
        "cron(0 12 * * ? *)",
        "cron(15 10 ? * MON-FRI *)",
    ],
)
def test_valid_expressions_pass(expression: str) -> None:
    assert validate_schedule_expression(expression) == expression


@pytest.mark.parametrize(
    "expression",
    [
        "at(garbage)",
        "at(2026-06-04 10:30:00)",
        "at(2026-02-30T10:00:00)",
        "at(2026-06-04T24:00:00)",
        "at(2026-06-04T10:30)",
        "at(2026-06-04T10:30:00Z)",
        "rate(0 minutes)",
        "rate(5 minute)",
        "rate(1 hours)",
        "rate(-1 days)",
        "rate(2 weeks)",
        "rate(5minutes)",
        "cron(0 12 * * *)",
        "cron(0 12 * * * *)",
        "cron(0 12 ? * ? *)",
        "every 5 minutes",
        "",
    ],
)
def test_invalid_expressions_are_refused(expression: str) -> None:
    with pytest.raises(InvalidScheduleExpressionError):
        validate_schedule_expression(expression)


def test_a_schedule_is_named_after_its_task() -> None:
    assert schedule_name("0f3a9c") == "task-0f3a9c"
    with pytest.raises(InvalidScheduleExpressionError):
        schedule_name("has space")
    with pytest.raises(InvalidScheduleExpressionError):
        schedule_name("x" * 60)
