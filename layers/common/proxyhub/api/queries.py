"""Query parameters several routers share: times, ranges and cursors."""

from datetime import UTC, date, datetime, time
from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query

from proxyhub.errors import InvalidInputError

TimeQuery = Annotated[str | None, Query(max_length=40, description="ISO 8601 time (UTC if no zone) or date")]
CursorQuery = Annotated[str | None, Query(max_length=2048, description="next_cursor of the previous page")]


def moment(text: str | None, field: str, *, end_of_day: bool) -> datetime | None:
    """A date alone covers the whole UTC day: `created_to=2026-06-04` includes that day's tasks."""
    if not text:
        return None
    try:
        if len(text) == len("yyyy-mm-dd"):
            day = date.fromisoformat(text)
            return datetime.combine(day, time.max if end_of_day else time.min, tzinfo=UTC)
        parsed = datetime.fromisoformat(text)
    except ValueError as error:
        raise InvalidInputError(f"{field} is not an ISO 8601 time or date", field=field) from error
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
