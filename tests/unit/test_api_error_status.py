"""The status each error is answered with is the one the audit trail records."""

import pytest

from proxyhub.api.errors import status_for
from proxyhub.errors import (
    ConflictError,
    NotFoundError,
    SystemConfigurationError,
    TransientVendorError,
    VendorConfigurationError,
    VendorError,
)

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (NotFoundError("Task T1 not found"), 404),
        (ConflictError("Task is already running"), 409),
        (SystemConfigurationError("proxy system HPK01 is disabled"), 409),
        (TransientVendorError("HPK temporarily failed"), 503),
        (VendorConfigurationError("HPK refused our login"), 503),
        (VendorError("HPK rejected the cancel"), 502),
        (RuntimeError("boom"), 500),
    ],
)
def test_each_error_has_the_status_its_handler_answers(error: Exception, status: int) -> None:
    assert status_for(error) == status
