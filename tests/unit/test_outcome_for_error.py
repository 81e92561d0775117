"""Executors may simply raise; the error's kind decides between a retry and manual handling."""

import pytest

from proxyhub.errors import ConcurrentUpdateError, ConflictError, SystemConfigurationError
from proxyhub.proxy.ports import BusinessRejection, PermanentProxyError, TransientProxyError
from proxyhub.tasks.outcomes import FailedPermanent, FailedTransient, outcome_for_error
from proxyhub.upstream.ports import TransientUpstreamError, UpstreamConfigurationError, UpstreamRejection

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (TransientProxyError("HTTP 503"), FailedTransient("HTTP 503")),
        (
            ConcurrentUpdateError("Order OUT-1 changed meanwhile"),
            FailedTransient("Order OUT-1 changed meanwhile"),
        ),
        (PermanentProxyError("validation failed: sku"), FailedPermanent("validation failed: sku")),
        (BusinessRejection("insufficient inventory", "stock"), FailedPermanent("insufficient inventory")),
        (ConflictError("Order already exists"), FailedPermanent("Order already exists")),
        (
            SystemConfigurationError("bad password"),
            FailedPermanent("System configuration error: bad password"),
        ),
        # Upstream platforms' errors share the vendor base: the same rule, one mapper.
        (
            TransientUpstreamError("OneWarehouse answered HTTP 502"),
            FailedTransient("OneWarehouse answered HTTP 502"),
        ),
        (
            UpstreamRejection("OneWarehouse refused: already shipped", "state"),
            FailedPermanent("OneWarehouse refused: already shipped"),
        ),
        (
            UpstreamConfigurationError("no OneWarehouse API at this address"),
            FailedPermanent("System configuration error: no OneWarehouse API at this address"),
        ),
    ],
)
def test_errors_map_to_retry_or_manual(error: Exception, expected: object) -> None:
    assert outcome_for_error(error) == expected


def test_an_unexpected_error_never_quotes_its_message() -> None:
    outcome = outcome_for_error(RuntimeError("token=abc123"))
    assert isinstance(outcome, FailedTransient) and "abc123" not in outcome.error
