"""The local invoker runs one invocation of a function at a time, as one warm Lambda container does."""

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from proxyhub_dev.local.invoker import DeployedFunction, LocalInvoker

# A handler that notes how many of its invocations are running at once, and holds each one a moment.
HANDLER = """
import threading, time

lock = threading.Lock()
running = 0
most_at_once = 0

def handler(event, context):
    global running, most_at_once
    with lock:
        running += 1
        most_at_once = max(most_at_once, running)
    time.sleep(event["hold_seconds"])
    with lock:
        running -= 1
    return most_at_once
"""


def deployed(directory: Path, name: str) -> DeployedFunction:
    handler_file = directory / name / "app.py"
    handler_file.parent.mkdir()
    handler_file.write_text(HANDLER)
    return DeployedFunction(
        name, name, f"arn:aws:lambda:us-east-1:123456789012:function:{name}", handler_file, "handler"
    )


def test_invocations_of_one_function_never_overlap(tmp_path: Path) -> None:
    # Given a function invoked by 6 threads at once
    invoker = LocalInvoker([deployed(tmp_path, "Api")])
    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(lambda _: invoker.invoke("Api", {"hold_seconds": 0.02}), range(6)))

    # Then each invocation ran alone
    assert max(answers) == 1


def test_different_functions_run_side_by_side(tmp_path: Path) -> None:
    # Given one function's invocation holding its container until the other function has started
    invoker = LocalInvoker([deployed(tmp_path, "Api"), deployed(tmp_path, "Runner")])
    slow = threading.Thread(target=invoker.invoke, args=("Api", {"hold_seconds": 0.5}))
    slow.start()

    # When the other function is invoked meanwhile  Then it answers before the first is done
    invoker.invoke("Runner", {"hold_seconds": 0})
    assert slow.is_alive()
    slow.join()
