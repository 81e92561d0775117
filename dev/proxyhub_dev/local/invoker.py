"""Runs the template's real Lambda handlers in this process, as the Lambda service would call them.

Handlers of all functions share one process, so they share os.environ (the union of the
functions' environments) and run concurrently in threads, like warm containers side by side. A
function behind the HTTP API (`one_at_a_time`) runs one invocation at a time, as one container does:
Powertools' resolver keeps the request it is handling (its event, its matched route) on the app
object, so two requests at once in its module would read each other's. The others (task runs,
syncs) keep no request state in their modules and run side by side as Lambda scales them out.
Timeouts are reported through the context but not enforced: a thread cannot be killed. Failed
asynchronous invocations are logged; Lambda's retries and dead-letter queue are not emulated.
"""

import contextlib
import importlib.util
import json
import logging
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

log = logging.getLogger(__name__)

Handler = Callable[[Any, Any], Any]


@dataclass(frozen=True)
class DeployedFunction:
    logical_id: str
    name: str
    arn: str
    handler_file: Path
    handler_name: str
    memory_mb: int = 128
    timeout_seconds: int = 3
    log_group_name: str = ""
    one_at_a_time: bool = False


@dataclass
class LocalLambdaContext:
    """The attributes of the Lambda context object that handlers and Powertools read."""

    function_name: str
    invoked_function_arn: str
    memory_limit_in_mb: int
    log_group_name: str
    timeout_seconds: int
    function_version: str = "$LATEST"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    log_stream_name: str = "local"
    identity: Any = None
    client_context: Any = None
    started: float = field(default_factory=time.monotonic, init=False, repr=False)

    def get_remaining_time_in_millis(self) -> int:
        elapsed = time.monotonic() - self.started
        return max(0, int((self.timeout_seconds - elapsed) * 1000))


class UnknownFunctionError(LookupError):
    pass


class LocalInvoker:
    def __init__(self, functions: Iterable[DeployedFunction], async_workers: int = 8) -> None:
        self._functions = list(functions)
        self._handlers: dict[str, Handler] = {}
        self._loading = threading.Lock()
        # Reentrant: a handler that invokes its own function synchronously runs it in its container.
        self._containers: dict[str, contextlib.AbstractContextManager[Any]] = {
            deployed.logical_id: threading.RLock() if deployed.one_at_a_time else contextlib.nullcontext()
            for deployed in self._functions
        }
        self._async = ThreadPoolExecutor(max_workers=async_workers, thread_name_prefix="lambda-async")

    def knows(self, function: str) -> bool:
        try:
            self.resolve(function)
        except UnknownFunctionError:
            return False
        return True

    def resolve(self, function: str) -> DeployedFunction:
        """Finds a function by logical id, name, ARN, qualified ARN or partial ARN."""
        name = _function_name(function)
        for deployed in self._functions:
            if function in (deployed.logical_id, deployed.arn) or name == deployed.name:
                return deployed
        raise UnknownFunctionError(f"No function {function!r} in the local stack")

    def invoke(self, function: str, event: Any) -> Any:
        """A synchronous (RequestResponse) invocation: the handler's result, or its exception."""
        deployed = self.resolve(function)
        handler = self._handler(deployed)
        with self._containers[deployed.logical_id]:
            context = LocalLambdaContext(  # its clock starts once the container is free
                function_name=deployed.name,
                invoked_function_arn=deployed.arn,
                memory_limit_in_mb=deployed.memory_mb,
                log_group_name=deployed.log_group_name or f"/aws/lambda/{deployed.name}",
                timeout_seconds=deployed.timeout_seconds,
            )
            return handler(event, context)

    def invoke_async(self, function: str, event: Any) -> Future[Any]:
        """An Event invocation: runs in the background; a failure is logged, as Lambda would."""
        deployed = self.resolve(function)
        future = self._async.submit(self.invoke, deployed.logical_id, event)
        future.add_done_callback(lambda done: _log_failure(deployed.logical_id, done))
        return future

    def close(self) -> None:
        self._async.shutdown(wait=True, cancel_futures=True)

    def _handler(self, deployed: DeployedFunction) -> Handler:
        # Loaded on first use, after the stack has set the environment: some modules create AWS
        # clients at import time (e.g. Powertools idempotency).
        with self._loading:
            if deployed.logical_id not in self._handlers:
                module = _load_module(deployed)
                self._handlers[deployed.logical_id] = getattr(module, deployed.handler_name)
            return self._handlers[deployed.logical_id]


def lambda_error_payload(error: BaseException) -> dict[str, Any]:
    """The body Lambda returns for an unhandled exception (with X-Amz-Function-Error: Unhandled)."""
    return {"errorMessage": str(error), "errorType": type(error).__name__, "stackTrace": []}


def route_lambda_invokes_to(invoker: LocalInvoker) -> Callable[[], None]:
    """Makes moto's `lambda.invoke` run the real handlers; returns a function that undoes it.

    Without Docker moto uses its "simple" Lambda backend, which only echoes the payload. The moto
    server runs in this process, so its invoke is replaced here, and only here. Functions the
    invoker does not know (created by hand in moto) keep moto's echo.
    """
    from moto.awslambda_simple.models import LambdaSimpleBackend

    echo = LambdaSimpleBackend.invoke

    def invoke(
        backend: LambdaSimpleBackend,
        function_name: str,
        qualifier: str | None,
        body: Any,
        headers: Any,
        response_headers: Any,
    ) -> str | bytes | None:
        if not invoker.knows(function_name):
            return echo(backend, function_name, qualifier, body, headers, response_headers)
        return _invoke_real_handler(invoker, function_name, body, headers, response_headers)

    LambdaSimpleBackend.invoke = invoke  # type: ignore[method-assign,assignment]

    def undo() -> None:
        LambdaSimpleBackend.invoke = echo  # type: ignore[method-assign]

    return undo


def _invoke_real_handler(
    invoker: LocalInvoker, function_name: str, body: Any, headers: Any, response_headers: Any
) -> bytes:
    event = json.loads(body) if body else {}
    invocation_type = headers.get("X-Amz-Invocation-Type", "RequestResponse")
    if invocation_type == "DryRun":
        return b""
    if invocation_type == "Event":
        invoker.invoke_async(function_name, event)
        return b""
    try:
        result = invoker.invoke(function_name, event)
    except Exception as error:
        log.exception("Function %s failed", function_name)
        response_headers["x-amz-function-error"] = "Unhandled"
        return json.dumps(lambda_error_payload(error)).encode()
    return json.dumps(result).encode()


def _function_name(function: str) -> str:
    """`arn:aws:lambda:r:a:function:name[:qualifier]` and `a:function:name` both name `name`."""
    parts = function.split(":")
    if "function" in parts:
        return parts[parts.index("function") + 1]
    return function


def _load_module(deployed: DeployedFunction) -> ModuleType:
    # Every function's handler is usually `app.py`: a per-function module name keeps them apart.
    module_name = f"lambda_{deployed.logical_id}_{deployed.handler_file.stem}"
    spec = importlib.util.spec_from_file_location(module_name, deployed.handler_file)
    if spec is None or spec.loader is None:
        raise ImportError(f"Cannot load {deployed.handler_file} for {deployed.logical_id}")
    module = importlib.util.module_from_spec(spec)
    # Registered before running it, as `import` does: dataclasses and pydantic look themselves up.
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module


def _log_failure(logical_id: str, done: Future[Any]) -> None:
    if not done.cancelled() and done.exception() is not None:
        log.error("Asynchronous invocation of %s failed", logical_id, exc_info=done.exception())
