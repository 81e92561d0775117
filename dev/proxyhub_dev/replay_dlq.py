"""`make replay-dlq ENV=...`: hands the dead-lettered runs back to their functions, then deletes them.

The dead-letter queue holds runs that never happened: a schedule that could not invoke its function
within its retry window, and asynchronous invocations (Sync Now, the sweeper's, follow-up runs) whose
function failed every retry. Each message's body is the event the function should have received:
- `{"task_id": ...}` (with a trigger for Sync Now and the like): the task runner runs the task, which
  re-checks that it is still due, so a task finished since is left alone;
- `{"system_code": ..., "proxy_warehouse_code": ...}`: a mapping's scheduled inventory sync, started
  again (refused harmlessly if one is running or the mapping is gone);
- anything else (the sweeper's, the digest's or the repair's own schedule): nothing to replay, their
  next run does the work; the message is deleted.

`--dry-run` lists what would happen and leaves the queue as it is. Fix the cause first (the alarm's
runbook entry): a replay into the same failure dead-letters the run again.
"""

import argparse
import json
from dataclasses import dataclass
from typing import Any

import boto3

from proxyhub_dev.deploy_console import outputs_of, stack_of

RECEIVE_BATCH = 10
# Long enough to invoke a batch; a crash mid-batch makes its messages visible again for the next try.
VISIBILITY_SECONDS = 120


@dataclass(frozen=True)
class Replayed:
    message_id: str
    action: str  # "task-runner", "inventory-sync" or "dropped"
    event: dict[str, Any] | None


def function_for(event: dict[str, Any] | None, stack_name: str) -> str | None:
    """The function a dead-lettered event belongs to; None for periodic jobs (and unreadable bodies)."""
    if not isinstance(event, dict):
        return None
    if isinstance(event.get("task_id"), str):
        return f"{stack_name}-task-runner"
    if isinstance(event.get("system_code"), str) and isinstance(event.get("proxy_warehouse_code"), str):
        return f"{stack_name}-inventory-sync"
    return None


def replay(
    sqs: Any, lambda_client: Any, queue_url: str, stack_name: str, *, dry_run: bool = False, limit: int = 1000
) -> list[Replayed]:
    """Replays up to `limit` messages; each is deleted only once its function accepted the event."""
    done: list[Replayed] = []
    # A dry run's messages stay hidden while it reads on (so none is listed twice), then reappear.
    held: dict[str, str] = {}
    while len(done) < limit:
        answer = sqs.receive_message(
            QueueUrl=queue_url,
            MaxNumberOfMessages=min(RECEIVE_BATCH, limit - len(done)),
            WaitTimeSeconds=1,
            VisibilityTimeout=VISIBILITY_SECONDS,
        )
        messages = answer.get("Messages", [])
        if not messages:
            break
        for message in messages:
            if dry_run:
                held[message["MessageId"]] = message["ReceiptHandle"]
            done.append(_replay_one(sqs, lambda_client, queue_url, stack_name, message, dry_run))
    for receipt in held.values():
        sqs.change_message_visibility(QueueUrl=queue_url, ReceiptHandle=receipt, VisibilityTimeout=0)
    return done


def _replay_one(
    sqs: Any, lambda_client: Any, queue_url: str, stack_name: str, message: dict[str, Any], dry_run: bool
) -> Replayed:
    try:
        event = json.loads(message["Body"])
    except ValueError:
        event = None
    function = function_for(event, stack_name)
    action = "dropped" if function is None else function.removeprefix(f"{stack_name}-")
    if dry_run:
        return Replayed(message["MessageId"], action, event)
    if function is not None:
        lambda_client.invoke(
            FunctionName=function, InvocationType="Event", Payload=json.dumps(event).encode()
        )
    sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
    return Replayed(message["MessageId"], action, event)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--config-env", required=True, help="the samconfig.toml environment (dev, prod)")
    parser.add_argument("--dry-run", action="store_true", help="list what would be replayed; change nothing")
    parser.add_argument("--limit", type=int, default=1000)
    args = parser.parse_args()
    stack_name, region = stack_of(args.config_env)
    queue_url = outputs_of(stack_name, region)["DeadLetterQueueUrl"]
    replayed = replay(
        boto3.client("sqs", region_name=region),
        boto3.client("lambda", region_name=region),
        queue_url,
        stack_name,
        dry_run=args.dry_run,
        limit=args.limit,
    )
    for entry in replayed:
        print(f"{'would ' if args.dry_run else ''}{entry.action}: {json.dumps(entry.event)}")
    print(f"{len(replayed)} message(s) {'listed' if args.dry_run else 'handled'}")


if __name__ == "__main__":
    main()
