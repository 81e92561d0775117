"""The manual-handling digest on in-memory ports: one message per burst, readable, sent before deleted."""

import json
import re
from typing import Any

import pytest

from fakes.operations import FixedAddresses, ListAlertInbox, RecordingNotifier
from proxyhub.operations.manual_digest import ManualHandlingDigest, notice_from_event

pytestmark = pytest.mark.unit

CONSOLE = "https://d111.cloudfront.net/console/"


def event(index: int, **detail: Any) -> str:
    """A TaskNeedsManualHandling event as the rule delivers it to the queue."""
    return json.dumps(
        {
            "version": "0",
            "id": f"event-{index}",
            "detail-type": "TaskNeedsManualHandling",
            "source": "gwms.proxy-hub",
            "time": f"2026-06-04T08:{index // 60:02d}:{index % 60:02d}Z",
            "detail": {
                "task_id": f"task{index:04d}",
                "task_type": "create",
                "business_type": "inbound",
                "order_no": f"IN-{index:04d}",
                "third_party_order_no": f"HPKIN{index:06d}",
                "gwms_warehouse_code": "GW-LA",
                "proxy_warehouse_code": "HPK-LA1",
                "system_code": "HPK01",
                "reason": "Customer account not open, cannot receive",
                **detail,
            },
        }
    )


def digest(
    inbox: ListAlertInbox, notifier: RecordingNotifier, console: str | None = CONSOLE
) -> ManualHandlingDigest:
    return ManualHandlingDigest(
        inbox, notifier, FixedAddresses(console_url=console), deployment="proxy-hub-prod"
    )


def test_one_task_reads_as_a_message_with_everything_an_operator_needs() -> None:
    # Given one task that went manual
    inbox, notifier = ListAlertInbox(), RecordingNotifier()
    inbox.put(event(1))

    # When the digest runs
    result = digest(inbox, notifier).send()

    # Then one message names the order, the task type, the warehouse, the reason and the console link
    assert result.sent and result.tasks == 1
    ((subject, message),) = notifier.sent
    assert subject == "[proxy-hub-prod] Manual handling: IN-0001 (Create task - Inbound)"
    assert "Order No.:  IN-0001 (proxy: HPKIN000001)" in message
    assert "Task type:  Create task · Inbound" in message
    assert "Warehouse:  GW-LA (proxy HPK01/HPK-LA1)" in message
    assert "Reason:     Customer account not open, cannot receive" in message
    assert f"Open:       {CONSOLE}tasks/task0001" in message
    assert inbox.in_flight == [] and len(inbox.acknowledged) == 1


def test_two_hundred_tasks_make_one_digest_with_the_count_and_the_first_ten() -> None:
    # Given 200 tasks that went manual within the same five minutes
    inbox, notifier = ListAlertInbox(), RecordingNotifier()
    for index in range(200):
        inbox.put(event(index))

    # When the digest runs
    result = digest(inbox, notifier).send()

    # Then exactly one message says 200 and lists the ten that went manual first
    assert result.tasks == 200
    ((subject, message),) = notifier.sent
    assert subject == "[proxy-hub-prod] 200 sync tasks need manual handling"
    assert message.startswith(
        "200 sync tasks went to manual handling between 2026-06-04 08:00 and 08:03 UTC."
    )
    listed = [line for line in message.splitlines() if re.match(r"^ ?\d+\. ", line)]
    assert [line.split(". ", 1)[1].split(" · ")[0] for line in listed] == [f"IN-{i:04d}" for i in range(10)]
    assert f"{CONSOLE}tasks/task0000" in message and "task0010" not in message
    assert "... and 190 more." in message
    assert f"{CONSOLE}tasks?status=manual" in message
    assert len(inbox.acknowledged) == 200 and inbox.waiting_messages == []


def test_a_redelivered_event_counts_its_task_once() -> None:
    inbox, notifier = ListAlertInbox(), RecordingNotifier()
    inbox.put(event(1))
    inbox.put(event(1))
    inbox.put(event(2))

    assert digest(inbox, notifier).send().tasks == 2


def test_nothing_waiting_sends_nothing() -> None:
    inbox, notifier = ListAlertInbox(), RecordingNotifier()

    result = digest(inbox, notifier).send()

    # One quick look, no receive: an empty inbox is what almost every digest finds.
    assert not result.sent and notifier.sent == [] and inbox.takes == 0


def test_a_failed_send_keeps_the_events_for_the_next_digest() -> None:
    # Given a digest whose topic is unavailable
    inbox, notifier = ListAlertInbox(), RecordingNotifier()
    inbox.put(event(1))
    notifier.fail = True
    with pytest.raises(RuntimeError):
        digest(inbox, notifier).send()
    assert inbox.acknowledged == []

    # When the messages become visible again and the next digest runs
    inbox.redeliver()
    notifier.fail = False
    result = digest(inbox, notifier).send()

    # Then the task is reported then
    assert result.tasks == 1 and len(notifier.sent) == 1


def test_an_inventory_sync_is_named_by_its_warehouse_and_links_are_relative_without_a_console_address() -> (
    None
):
    inbox, notifier = ListAlertInbox(), RecordingNotifier()
    inbox.put(
        event(
            3, task_type="inventory_sync", business_type="inventory", order_no=None, third_party_order_no=None
        )
    )

    digest(inbox, notifier, console=None).send()

    ((subject, message),) = notifier.sent
    assert (
        subject
        == "[proxy-hub-prod] Manual handling: Inventory sync - GW-LA (Inventory sync task - Inventory)"
    )
    assert "Open:       /console/tasks/task0003" in message


def test_unreadable_events_are_counted_not_lost() -> None:
    inbox, notifier = ListAlertInbox(), RecordingNotifier()
    inbox.put("not json")
    inbox.put(event(1))

    result = digest(inbox, notifier).send()

    assert result.tasks == 1 and result.unreadable == 1
    assert "1 event(s) could not be read" in notifier.sent[0][1]
    assert notice_from_event("{}") is None


def test_a_very_long_subject_is_cut_below_the_sns_limit() -> None:
    inbox, notifier = ListAlertInbox(), RecordingNotifier()
    inbox.put(event(1, order_no="X" * 120))

    digest(inbox, notifier).send()

    subject = notifier.sent[0][0]
    assert len(subject) < 100 and subject.endswith("...") and subject.isascii()
