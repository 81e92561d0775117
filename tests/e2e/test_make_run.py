"""`make run` for real: `python -m proxyhub_dev.local` in its own process, answering, then Ctrl-C."""

import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from proxyhub_dev.local.auth import GwmsCredentials, GwmsSigner

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 60
API_LINE = re.compile(r"^\s+API\s+(?P<url>http://127\.0\.0\.1:\d+)")


class OutputReader:
    """Collects a process's stdout on a thread, so waiting for a line never blocks forever."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.lines: list[str] = []
        assert process.stdout is not None
        self._stdout = process.stdout
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        for line in self._stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, pattern: re.Pattern[str], seconds: float) -> re.Match[str]:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            for line in list(self.lines):
                if found := pattern.match(line):
                    return found
            time.sleep(0.1)
        raise AssertionError(f"no line matched {pattern.pattern!r} in: {self.lines}")


@pytest.fixture
def local_runner() -> Iterator[subprocess.Popen[str]]:
    command = [
        sys.executable,
        "-m",
        "proxyhub_dev.local",
        "--api-port",
        "0",
        "--moto-port",
        "0",
        "--hpk-port",
        "0",
        "--onewarehouse-port",
        "0",
        "--time-scale",
        "60",
    ]
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    yield process
    if process.poll() is None:
        process.kill()
        process.wait()


def test_the_runner_serves_the_api_and_stops_cleanly_on_ctrl_c(local_runner: subprocess.Popen[str]) -> None:
    # Given the runner started on free ports
    output = OutputReader(local_runner)
    api_url = output.wait_for(API_LINE, STARTUP_SECONDS)["url"]

    # When the API is called
    response = httpx.get(
        f"{api_url}/v1/openapi.json",
        timeout=30,
        auth=GwmsSigner(GwmsCredentials.from_environment("us-east-1")),
    )

    # Then it answers, the banner names every part, and Ctrl-C stops everything with exit code 0
    assert response.status_code == 200
    callbacks = re.escape(f"callbacks to {api_url}/hpk/callbacks")
    output.wait_for(re.compile(rf"^\s+HPK simulator\s+http://127\.0\.0\.1:\d+ .*{callbacks}"), 5)
    output.wait_for(re.compile(r"^\s+OneWarehouse\s+http://127\.0\.0\.1:\d+"), 5)
    output.wait_for(re.compile(r"^\s+State machines\s+proxy-hub-cancel-backoff"), 5)
    output.wait_for(re.compile(r"^\s+Time scale\s+60x: a 30-minute poll fires after 30 s"), 5)
    local_runner.send_signal(signal.SIGINT)
    assert local_runner.wait(timeout=30) == 0
    output.wait_for(re.compile(r"^Stopped\.$"), 5)
    with pytest.raises(httpx.TransportError):
        httpx.get(f"{api_url}/v1/openapi.json", timeout=2)
