"""Step Functions in the local stack: Wait states under the time scale, executions stopped with it.

moto executes state machines for real (`execute_state_machine`), so a Wait state sleeps its full
time: the cancel backoff's 10 minutes would be 10 minutes. The application always computes real
waits, as in AWS; here, and only here, the local stand-in makes them pass faster.
"""

import math
from collections.abc import Callable
from datetime import timedelta

import boto3

from proxyhub_dev.local.timescale import scaled_wait


def compress_state_machine_waits(time_scale: float) -> Callable[[], None]:
    """Makes moto's Wait states (Seconds, SecondsPath, Timestamp, TimestampPath) last
    `wait / time_scale`; returns a function that undoes it.
    """
    from moto.stepfunctions.parser.asl.component.state.wait.wait_function.wait_function import (
        WaitFunction,
    )
    from moto.stepfunctions.parser.asl.eval.environment import Environment

    original = WaitFunction._eval_body

    def eval_body(wait_function: WaitFunction, env: Environment) -> None:
        seconds = wait_function._get_wait_seconds(env=env)
        wait_function._wait_interval(env=env, wait_seconds=scaled_wait_seconds(seconds, time_scale))

    WaitFunction._eval_body = eval_body  # type: ignore[method-assign,assignment]

    def undo() -> None:
        WaitFunction._eval_body = original  # type: ignore[method-assign]

    return undo


def scaled_wait_seconds(seconds: int, time_scale: float) -> int:
    """Whole seconds, rounded up: moto's wait loop counts whole seconds and would spin on a fraction."""
    return math.ceil(scaled_wait(timedelta(seconds=seconds), time_scale).total_seconds())


def stop_running_executions() -> list[str]:
    """Stops every running execution; returns their ARNs.

    Executions run on moto's daemon threads: one left waiting would wake after the stack stopped and
    call AWS with whatever environment this process has by then.
    """
    client = boto3.client("stepfunctions")
    stopped = []
    for state_machine in client.list_state_machines()["stateMachines"]:
        running = client.list_executions(
            stateMachineArn=state_machine["stateMachineArn"], statusFilter="RUNNING"
        )["executions"]
        for execution in running:
            client.stop_execution(executionArn=execution["executionArn"], cause="Local stack stopping")
            stopped.append(execution["executionArn"])
    return stopped
