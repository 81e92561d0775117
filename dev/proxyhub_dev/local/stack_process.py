"""The whole local stack (`python -m proxyhub_dev.local`) in a process of its own on free ports, for
benchmarks that drive it over HTTP and read its memory from outside, as a client would see it."""

import contextlib
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import httpx

ROOT = Path(__file__).resolve().parents[3]
MOTO_ERROR = re.compile(r"moto internal error")
STARTUP_SECONDS = 180


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class StackProcess:
    process: subprocess.Popen[bytes]
    api_url: str
    hpk_url: str
    stderr_path: Path

    def rss_mib(self) -> tuple[float, float]:
        """(resident now, peak) of the stack's process."""
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        fields = dict(re.findall(r"^(Vm\w+):\s+(\d+) kB", status, re.MULTILINE))
        return int(fields["VmRSS"]) / 1024, int(fields["VmHWM"]) / 1024

    def moto_errors(self) -> list[str]:
        """moto's internal errors, as the moto trims log them to the runner's stderr."""
        return [line for line in self.stderr_path.read_text().splitlines() if MOTO_ERROR.search(line)]


@contextlib.contextmanager
def local_stack_process(scratch: Path, *, keep_handler_logs: bool = False) -> Iterator[StackProcess]:
    """Starts the stack (with the HPK simulator, sending its signed callbacks to the stack) and stops
    it on the way out. Handler logs are dropped unless kept (in `scratch`/stack.stdout)."""
    api_port, hpk_port = free_port(), free_port()
    stderr_path = scratch / "stack.stderr"
    command = [
        sys.executable,
        "-m",
        "proxyhub_dev.local",
        "--api-port",
        str(api_port),
        "--hpk-port",
        str(hpk_port),
        "--onewarehouse-port",
        "0",
    ]
    env = {**os.environ, "POWERTOOLS_LOG_LEVEL": "WARNING", "POWERTOOLS_METRICS_DISABLED": "true"}
    stdout: IO[bytes] | int = (
        (scratch / "stack.stdout").open("wb") if keep_handler_logs else subprocess.DEVNULL
    )
    with stderr_path.open("wb") as stderr:
        # Our own interpreter and module, on ports we picked: no outside input reaches the command.
        process = subprocess.Popen(command, stdout=stdout, stderr=stderr, env=env, cwd=ROOT)  # noqa: S603
    stack = StackProcess(process, f"http://127.0.0.1:{api_port}", f"http://127.0.0.1:{hpk_port}", stderr_path)
    try:
        _wait_until_serving(stack)
        yield stack
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        if not isinstance(stdout, int):
            stdout.close()


def _wait_until_serving(stack: StackProcess) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if stack.process.poll() is not None:
            raise RuntimeError(f"the stack exited:\n{stack.stderr_path.read_text()[-3000:]}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{stack.api_url}/v1/openapi.json", timeout=2).status_code < 500:
                return
        time.sleep(0.5)
    raise RuntimeError(f"the stack did not answer within {STARTUP_SECONDS} s")


def seed_hpk_routing(api: httpx.Client, hpk_url: str, names: Any) -> None:
    """A proxy system on the simulator, a complete mapping, an open customer and the SKUs: what an
    inbound order needs. `names` has system, proxy_warehouse, warehouse, customer and skus."""

    def put(method: str, path: str, body: dict[str, Any], expect: int = 200) -> None:
        response = api.request(method, path, json=body)
        if response.status_code != expect:
            raise RuntimeError(f"{method} {path}: {response.status_code} {response.text[:300]}")

    put(
        "POST",
        "/v1/proxy-systems",
        {
            "code": names.system,
            "name": "HPK bench",
            "system_type": "HPK",
            "api_endpoint": hpk_url,
            "account": "demo",
            "password": "demo-secret",
            "version": "5",
            "enabled": True,
        },
        expect=201,
    )
    put(
        "PUT",
        f"/v1/proxy-systems/{names.system}/warehouse-mappings/{names.proxy_warehouse}",
        {
            "gwms_warehouse_code": names.warehouse,
            "virtual_putaway_location": "VPA",
            "defective_location": "DEF",
        },
    )
    put(
        "PUT",
        f"/v1/customers/{names.customer}",
        {"name": "Bench", "account_status": "open", "warehouse_codes": [names.warehouse]},
    )
    for gsku in names.skus:
        put(
            "PUT",
            f"/v1/skus/{gsku}",
            {"name": gsku, "spec": "standard", "weight_kg": 0.5, "customer_code": names.customer},
        )
