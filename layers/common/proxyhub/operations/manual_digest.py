"""Operators hear about manual handling by e-mail, one digest per burst.

The engine publishes `TaskNeedsManualHandling` for every task that goes manual; an EventBridge rule
drops each event into a queue, and every 5 minutes this takes what waits there and sends one message
to the operations topic: the task itself when there is one, else the count and the first ten. So 200
tasks going manual at once (a proxy warehouse down, a mapping deleted) are one e-mail, not 200.
Messages leave the queue only once the digest is sent: a failed send is retried by the next digest.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from proxyhub.clock import from_iso
from proxyhub.observability import logger
from proxyhub.operations.ports import AlertInbox, InboxMessage, Notifier, PublicAddresses

LISTED_IN_DIGEST = 10
# One receive returns at most 10 messages (SQS); a burst beyond this waits for the next digest.
MAX_TAKEN_PER_DIGEST = 5000
TAKE_BATCH = 10
LOGGED_TASK_IDS = 100
SUBJECT_LIMIT = 100
RELATIVE_CONSOLE = "/console/"

TASK_TYPE_LABELS = {
    "create": "Create task",
    "cancel": "Cancel task",
    "query": "Query task",
    "inventory_sync": "Inventory sync task",
    "notify": "Notify task",
}
BUSINESS_TYPE_LABELS = {"inbound": "Inbound", "outbound": "Outbound", "inventory": "Inventory"}


@dataclass(frozen=True)
class ManualHandlingNotice:
    """One `TaskNeedsManualHandling` event, as the engine published it (`manual_handling_detail`)."""

    task_id: str
    task_type: str
    business_type: str
    order_no: str | None
    third_party_order_no: str | None
    gwms_warehouse_code: str | None
    proxy_warehouse_code: str | None
    system_code: str | None
    reason: str | None
    occurred_at: datetime | None

    @property
    def title(self) -> str:
        """What operators call the task: its order number, or its warehouse for an inventory sync."""
        return self.order_no or f"Inventory sync · {self.gwms_warehouse_code or '?'}"

    @property
    def type_label(self) -> str:
        task_type = TASK_TYPE_LABELS.get(self.task_type, self.task_type)
        return f"{task_type} · {BUSINESS_TYPE_LABELS.get(self.business_type, self.business_type)}"


@dataclass(frozen=True)
class DigestResult:
    tasks: int
    unreadable: int
    sent: bool
    subject: str | None = None


def notice_from_event(body: str) -> ManualHandlingNotice | None:
    """The notice in an EventBridge event as the rule delivers it; None for anything else."""
    try:
        event = json.loads(body)
        detail = event["detail"]
        task_id = str(detail["task_id"])
    except (ValueError, KeyError, TypeError):
        return None
    occurred = event.get("time")
    return ManualHandlingNotice(
        task_id=task_id,
        task_type=str(detail.get("task_type") or ""),
        business_type=str(detail.get("business_type") or ""),
        order_no=_text(detail.get("order_no")),
        third_party_order_no=_text(detail.get("third_party_order_no")),
        gwms_warehouse_code=_text(detail.get("gwms_warehouse_code")),
        proxy_warehouse_code=_text(detail.get("proxy_warehouse_code")),
        system_code=_text(detail.get("system_code")),
        reason=_text(detail.get("reason")),
        occurred_at=_moment(occurred),
    )


def task_link(console_url: str | None, task_id: str) -> str:
    """`/console/tasks/{id}` on the deployment's console (relative when its address is unknown)."""
    return f"{(console_url or RELATIVE_CONSOLE).rstrip('/')}/tasks/{task_id}"


def compose_digest(
    notices: list[ManualHandlingNotice], unreadable: int, console_url: str | None, deployment: str
) -> tuple[str, str]:
    """(subject, message): one task in full, or the count and the first `LISTED_IN_DIGEST`."""
    if len(notices) == 1 and not unreadable:
        return _single(notices[0], console_url, deployment)
    return _many(notices, unreadable, console_url, deployment)


def _single(notice: ManualHandlingNotice, console_url: str | None, deployment: str) -> tuple[str, str]:
    subject = f"[{deployment}] Manual handling: {notice.title} ({notice.type_label})"
    order = notice.order_no or "-"
    if notice.third_party_order_no:
        order = f"{order} (proxy: {notice.third_party_order_no})"
    lines = [
        "A sync task needs manual handling.",
        "",
        f"Order No.:  {order}",
        f"Task type:  {notice.type_label}",
        f"Warehouse:  {_route(notice)}",
        f"Reason:     {notice.reason or '(none given)'}",
        f"Open:       {task_link(console_url, notice.task_id)}",
        "",
        "Fix the cause (the runbook, docs/operations.md, has an entry per reason), then press Sync Now.",
    ]
    return _subject(subject), "\n".join(lines)


def _many(
    notices: list[ManualHandlingNotice], unreadable: int, console_url: str | None, deployment: str
) -> tuple[str, str]:
    count = len(notices)
    subject = f"[{deployment}] {count} sync tasks need manual handling"
    first = notices[:LISTED_IN_DIGEST]
    window = _window(notices)
    lines = [f"{count} sync tasks went to manual handling{window}.", ""]
    if count > len(first):
        lines.append(f"The first {len(first)}:")
    for position, notice in enumerate(first, start=1):
        lines.append(
            f"{position:>2}. {notice.title} · {notice.type_label} · {_route(notice)} · "
            f"{notice.reason or '(no reason given)'}"
        )
        lines.append(f"    {task_link(console_url, notice.task_id)}")
    if count > len(first):
        lines.append(f"... and {count - len(first)} more.")
    if unreadable:
        lines.append(f"{unreadable} event(s) could not be read; see the digest function's log.")
    lines += [
        "",
        f"All tasks in manual handling: {(console_url or RELATIVE_CONSOLE).rstrip('/')}/tasks?status=manual",
        "Many at once usually share one cause (a proxy system down, a mapping or customer changed):",
        "fix it, then select them on the Sync Tasks page and press Sync Now.",
    ]
    return _subject(subject), "\n".join(lines)


def _route(notice: ManualHandlingNotice) -> str:
    proxy = "/".join(code for code in (notice.system_code, notice.proxy_warehouse_code) if code)
    warehouse = notice.gwms_warehouse_code or "-"
    return f"{warehouse} (proxy {proxy})" if proxy else warehouse


def _window(notices: list[ManualHandlingNotice]) -> str:
    moments = sorted(notice.occurred_at for notice in notices if notice.occurred_at is not None)
    if not moments:
        return ""
    return f" between {moments[0]:%Y-%m-%d %H:%M} and {moments[-1]:%H:%M} UTC"


def _subject(subject: str) -> str:
    """SNS subjects: ASCII, one line, under 100 characters."""
    printable = "".join(char if char.isascii() and char.isprintable() else "-" for char in subject)
    flat = " ".join(printable.split())
    return flat if len(flat) < SUBJECT_LIMIT else f"{flat[: SUBJECT_LIMIT - 4]}..."


def _text(value: Any) -> str | None:
    return str(value) if value not in (None, "") else None


def _moment(value: Any) -> datetime | None:
    try:
        return from_iso(str(value)) if value else None
    except ValueError:
        return None


class ManualHandlingDigest:
    def __init__(
        self,
        inbox: AlertInbox,
        notifier: Notifier,
        addresses: PublicAddresses,
        *,
        deployment: str,
        max_taken: int = MAX_TAKEN_PER_DIGEST,
        out_of_time: Callable[[], bool] = lambda: False,
    ) -> None:
        self._inbox = inbox
        self._notifier = notifier
        self._addresses = addresses
        self._deployment = deployment
        self._max_taken = max_taken
        self._out_of_time = out_of_time

    def send(self) -> DigestResult:
        """Takes what waits, sends one message about it, then removes it from the inbox."""
        taken = self._take_waiting() if self._inbox.waiting() else []
        if not taken:
            return DigestResult(tasks=0, unreadable=0, sent=False)
        notices, unreadable = _read(taken)
        subject, message = compose_digest(
            notices, unreadable, self._addresses.console_url(), self._deployment
        )
        self._notifier.notify(subject, message)
        self._inbox.acknowledge(taken)
        logger.info(
            "Manual-handling digest sent",
            extra={
                "tasks": len(notices),
                "unreadable": unreadable,
                "task_ids": [notice.task_id for notice in notices[:LOGGED_TASK_IDS]],
            },
        )
        return DigestResult(tasks=len(notices), unreadable=unreadable, sent=True, subject=subject)

    def _take_waiting(self) -> list[InboxMessage]:
        taken: list[InboxMessage] = []
        while len(taken) < self._max_taken and not self._out_of_time():
            batch = self._inbox.take(min(TAKE_BATCH, self._max_taken - len(taken)))
            taken += batch
            if len(batch) < TAKE_BATCH:
                break
        return taken


def _read(messages: list[InboxMessage]) -> tuple[list[ManualHandlingNotice], int]:
    """Notices in the order the tasks went manual, one per task (a redelivered event counts once)."""
    by_task: dict[str, ManualHandlingNotice] = {}
    unreadable = 0
    for message in messages:
        notice = notice_from_event(message.body)
        if notice is None:
            unreadable += 1
            logger.warning("Unreadable manual-handling event", extra={"body": message.body[:500]})
            continue
        by_task.setdefault(notice.task_id, notice)
    notices = sorted(by_task.values(), key=lambda n: (n.occurred_at is None, n.occurred_at or datetime.min))
    return notices, unreadable
