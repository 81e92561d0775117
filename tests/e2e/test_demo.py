"""`make demo` on a local stack started on free ports: every flow reaches its expected state."""

import io
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from proxyhub_dev.local.auth import GwmsSigner
from proxyhub_dev.local.demo import run_demo
from proxyhub_dev.local.demo_session import DemoNames, DemoTargets, ledger_totals
from proxyhub_dev.local.runner import LocalServices, run_local_stack

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
STEP_TIMEOUT_SECONDS = 60


@pytest.fixture(scope="module")
def services() -> Iterator[LocalServices]:
    # Scaled, so the cancel backoff's state machine checks within seconds too.
    with run_local_stack(time_scale=300) as running:
        yield running


def targets_of(services: LocalServices) -> DemoTargets:
    assert services.hpk_url is not None
    return DemoTargets(services.api_url, services.hpk_url, services.onewarehouse_url)


def test_the_demo_drives_every_flow_to_its_expected_state(services: LocalServices) -> None:
    out = io.StringIO()

    completed = run_demo(targets_of(services), out, STEP_TIMEOUT_SECONDS, run_id="e2e1")

    assert completed, out.getvalue()
    assert "Demo complete" in out.getvalue()
    # Checked again here, through the API rather than the demo's own checks.
    names = DemoNames("e2e1")
    mugs = httpx.get(
        f"{services.api_url}/v1/inventory",
        params={"warehouse_code": names.warehouse, "gsku": names.gsku("MUG")},
        auth=GwmsSigner(services.gwms),
    ).json()["items"]
    assert ledger_totals(mugs) == names.qualified(4) | names.defective(2)


def test_the_demo_exits_non_zero_when_a_step_misses_its_expected_state(services: LocalServices) -> None:
    # The proxy system points at a port where no HPK answers: the inbound order is never pushed.
    command = [
        sys.executable,
        "-m",
        "proxyhub_dev.local.demo",
        "--api-url",
        services.api_url,
        "--hpk-url",
        "http://127.0.0.1:9",
        "--timeout",
        "3",
        "--run-id",
        "e2e2",
    ]

    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)

    assert result.returncode == 1, result.stdout + result.stderr
    assert "FAILED: gave up after 3 s waiting for inbound order DEMO-IN-e2e2 to be pushed" in result.stdout
