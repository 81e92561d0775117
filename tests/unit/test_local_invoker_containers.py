"""The local invoker runs an HTTP function one invocation at a time, as one warm Lambda container does."""

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from proxyhub_dev.local.invoker import DeployedFunction, LocalInvoker
from proxyhub_dev.local.template import SamTemplate

ROOT = Path(__file__).resolve().parents[2]

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


def deployed(directory: Path, name: str, *, one_at_a_time: bool) -> DeployedFunction:
    handler_file = directory / name / "app.py"
    handler_file.parent.mkdir()
    handler_file.write_text(HANDLER)
    arn = f"arn:aws:lambda:us-east-1:123456789012:function:{name}"
    return DeployedFunction(name, name, arn, handler_file, "handler", one_at_a_time=one_at_a_time)


def most_at_once(invoker: LocalInvoker, function: str, invocations: int) -> int:
    with ThreadPoolExecutor(max_workers=invocations) as pool:
        answers = pool.map(lambda _: invoker.invoke(function, {"hold_seconds": 0.05}), range(invocations))
        return max(answers)


def test_only_the_http_functions_are_one_container() -> None:
    template = SamTemplate.load(ROOT / "template.yaml")
    serving_http = {logical_id for logical_id, spec in template.functions.items() if spec.serves_http}
    assert serving_http == {"ApiFunction", "WebhookFunction"}


def test_invocations_of_an_http_function_never_overlap(tmp_path: Path) -> None:
    # Given a function behind the HTTP API  When 6 threads invoke it at once  Then each ran alone
    invoker = LocalInvoker([deployed(tmp_path, "Api", one_at_a_time=True)])
    assert most_at_once(invoker, "Api", 6) == 1


def test_other_functions_scale_out(tmp_path: Path) -> None:
    # Given a task runner  When 6 threads invoke it at once  Then its invocations ran side by side
    invoker = LocalInvoker([deployed(tmp_path, "Runner", one_at_a_time=False)])
    assert most_at_once(invoker, "Runner", 6) > 1


def test_two_http_functions_run_side_by_side(tmp_path: Path) -> None:
    # Given one function's invocation holding its container
    invoker = LocalInvoker(
        [deployed(tmp_path, "Api", one_at_a_time=True), deployed(tmp_path, "Web", one_at_a_time=True)]
    )
    slow = threading.Thread(target=invoker.invoke, args=("Api", {"hold_seconds": 0.5}))
    slow.start()

    # When the other function is invoked meanwhile  Then it answers before the first is done
    invoker.invoke("Web", {"hold_seconds": 0})
    assert slow.is_alive()
    slow.join()
