"""What a function loads when Lambda imports it: its own code, not every adapter of the composition root,
and no X-Ray recorder where nothing is traced. (How long that takes is `bench/cold_start.py`'s business.)"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
FUNCTIONS = sorted(path.parent.name for path in (ROOT / "functions").glob("*/app.py"))
# Built on first use, by the functions that need them.
ADAPTERS_LOADED_LATER = (
    "proxyhub.adapters.hpk.client",
    "proxyhub.adapters.onewarehouse.client",
    "proxyhub.aws.export_bucket",
    "aws_lambda_powertools.utilities.idempotency",
)
# What a function's own routes are made of (the webhooks' pushes are idempotent by Powertools).
USES = {"webhooks": {"aws_lambda_powertools.utilities.idempotency"}}
PROBE = """
import importlib.util, json, sys
spec = importlib.util.spec_from_file_location("app", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
print(json.dumps(sorted(sys.modules)))
"""


def modules_after_importing(function: str, **environment: str) -> set[str]:
    app = ROOT / "functions" / function / "app.py"
    env = {key: value for key, value in os.environ.items() if not key.startswith(("LAMBDA_", "POWERTOOLS_"))}
    env |= {"AWS_DEFAULT_REGION": "us-east-1", "AWS_REGION": "us-east-1", **environment}
    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(app)],
        env=env,
        cwd=app.parent,
        capture_output=True,
        text=True,
        check=True,
    )
    return set(json.loads(result.stdout.strip().splitlines()[-1]))


@pytest.mark.parametrize("function", FUNCTIONS)
def test_a_function_imports_no_adapter_before_it_builds_one(function: str) -> None:
    unexpected = modules_after_importing(function).intersection(ADAPTERS_LOADED_LATER) - USES.get(
        function, set()
    )

    assert not unexpected, sorted(unexpected)


def test_outside_lambda_the_tracer_makes_no_xray_recorder() -> None:
    # Outside Lambda the X-Ray recorder would create an X-Ray client at import, for sampling rules.
    assert "aws_xray_sdk.core" not in modules_after_importing("sweeper")


def test_in_lambda_the_tracer_patches_what_the_functions_call_out_through(tmp_path: Path) -> None:
    loaded = modules_after_importing("sweeper", LAMBDA_TASK_ROOT=str(tmp_path))

    assert {"aws_xray_sdk.core", "aws_xray_sdk.ext.botocore.patch", "aws_xray_sdk.ext.httpx.patch"} <= loaded
    assert "aws_xray_sdk.ext.sqlite3.patch" not in loaded, "patch_all would patch every library it knows"
