"""Cold import of every Lambda function, beside the bare stack the functions are built on.

    .venv/bin/python bench/cold_start.py [--runs 7] [--lambda-env] [--modules]

Each measurement is a fresh interpreter that imports one function's `app.py` (as Lambda's init phase
does: module-level code included, e.g. building the resolver) and prints how long that took; the
figure is the minimum over `--runs` processes, the least disturbed by the other process on the box.
The baseline, measured in the same run, is the bare stack: Powertools Logger, Metrics and Tracer, an
`APIGatewayHttpResolver(enable_validation=True)`, pydantic, boto3 and PynamoDB.

Outside Lambda, Powertools disables tracing; `--lambda-env` sets `LAMBDA_TASK_ROOT` so the Tracer
behaves as deployed (the X-Ray recorder, module patching), for the baseline and the functions alike.
`--modules` also prints, per function, the ten slowest modules of one `-X importtime` run.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Every function of the template: each directory of functions/ with an app.py.
FUNCTIONS = tuple(sorted(path.parent.name for path in (ROOT / "functions").glob("*/app.py")))
GOAL_RATIO = 1.5

BASELINE = """
import time
started = time.process_time()
from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
import boto3
import pydantic
import pynamodb.models
Logger(service="bench")
Metrics(service="bench", namespace="Bench")
Tracer(service="bench")
APIGatewayHttpResolver(enable_validation=True)
print(time.process_time() - started)
"""

FUNCTION = """
import importlib.util, sys, time
started = time.process_time()
spec = importlib.util.spec_from_file_location("app", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
print(time.process_time() - started)
"""


def environment(lambda_env: bool, scratch: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("AWS_", "POWERTOOLS_", "LAMBDA_", "_X_AMZN"))
    }
    env |= {
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",
        "POWERTOOLS_SERVICE_NAME": "proxy-hub",
        "POWERTOOLS_METRICS_NAMESPACE": "ProxyHub",
        # Bytecode is compiled once, as in a deployed layer; the first run warms the cache.
        "PYTHONDONTWRITEBYTECODE": "",
    }
    if lambda_env:
        # What the runtime sets; the X-Ray SDK writes a touch file under /tmp, sent to a scratch dir.
        env |= {
            "LAMBDA_TASK_ROOT": scratch,
            "AWS_LAMBDA_FUNCTION_NAME": "bench",
            "AWS_EXECUTION_ENV": "AWS_Lambda_python3.13",
        }
    return env


def timed(code: str, args: list[str], env: dict[str, str], cwd: Path) -> float:
    result = subprocess.run(
        [sys.executable, "-c", code, *args], env=env, cwd=cwd, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(f"import failed:\n{result.stderr}")
    return float(result.stdout.strip().splitlines()[-1])


def best_of(runs: int, code: str, args: list[str], env: dict[str, str], cwd: Path) -> float:
    timed(code, args, env, cwd)  # compiles bytecode, fills the page cache
    return min(timed(code, args, env, cwd) for _ in range(runs))


def slowest_modules(app: Path, env: dict[str, str], count: int = 10) -> list[tuple[int, str]]:
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", FUNCTION, str(app)],
        env=env,
        cwd=app.parent,
        capture_output=True,
        text=True,
        check=True,
    )
    rows = []
    for line in result.stderr.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|\s+(.*)$", line)
        if match:
            rows.append((int(match.group(1)), match.group(3).strip()))
    return sorted(rows, reverse=True)[:count]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--lambda-env", action="store_true", help="tracing as deployed (LAMBDA_TASK_ROOT)")
    parser.add_argument("--modules", action="store_true", help="the slowest modules of each function")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        env = environment(args.lambda_env, scratch)
        baseline = best_of(args.runs, BASELINE, [], env, ROOT)
        print(
            f"cold import, min of {args.runs} fresh processes{' (Lambda environment)' if args.lambda_env else ''}"
        )
        print(f"{'':24}{'ms':>8}{'x baseline':>12}")
        print(f"{'baseline':24}{baseline * 1000:8.0f}{1:12.2f}")
        worst = 0.0
        for name in FUNCTIONS:
            app = ROOT / "functions" / name / "app.py"
            seconds = best_of(args.runs, FUNCTION, [str(app)], env, app.parent)
            ratio = seconds / baseline
            worst = max(worst, ratio)
            print(f"{name:24}{seconds * 1000:8.0f}{ratio:12.2f}")
            if args.modules:
                for micros, module in slowest_modules(app, env):
                    print(f"{'':20}{micros / 1000:7.1f} ms self  {module}")
        verdict = "meets" if worst <= GOAL_RATIO else "misses"
        print(f"worst ratio {worst:.2f}: {verdict} the goal of ≤ {GOAL_RATIO}x the baseline")


if __name__ == "__main__":
    main()
