"""The manual-handling queue (SQS) that the EventBridge rule fills and the digest empties."""

from collections.abc import Sequence
from typing import TYPE_CHECKING

import boto3

from proxyhub.operations.ports import InboxMessage
from proxyhub.settings import Settings

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient
    from mypy_boto3_sqs.type_defs import DeleteMessageBatchRequestEntryTypeDef

# Long enough that a digest never sees its own messages again, short enough that a digest that died
# before sending is retried by the next one (the queue's own default is what the template sets).
VISIBILITY_SECONDS = 240
# Waiting a second makes an empty answer mean an empty queue (short polls sample some servers only).
WAIT_SECONDS = 1
MAX_PER_RECEIVE = 10


class SqsAlertInbox:
    def __init__(self, settings: Settings, client: "SQSClient | None" = None) -> None:
        self._queue_url = settings.manual_handling_queue_url
        self._client = client or boto3.client("sqs", region_name=settings.aws_region)

    def waiting(self) -> bool:
        attributes = self._client.get_queue_attributes(
            QueueUrl=self._queue_url,
            AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        )["Attributes"]
        # In flight counts too: a digest that died holding messages hands them back when they reappear.
        return any(int(attributes.get(name, "0")) > 0 for name in attributes)

    def take(self, limit: int) -> list[InboxMessage]:
        answer = self._client.receive_message(
            QueueUrl=self._queue_url,
            MaxNumberOfMessages=max(1, min(limit, MAX_PER_RECEIVE)),
            WaitTimeSeconds=WAIT_SECONDS,
            VisibilityTimeout=VISIBILITY_SECONDS,
        )
        return [
            InboxMessage(body=message["Body"], receipt=message["ReceiptHandle"])
            for message in answer.get("Messages", [])
        ]

    def acknowledge(self, messages: Sequence[InboxMessage]) -> None:
        for start in range(0, len(messages), MAX_PER_RECEIVE):
            batch = messages[start : start + MAX_PER_RECEIVE]
            entries: list[DeleteMessageBatchRequestEntryTypeDef] = [
                {"Id": str(index), "ReceiptHandle": message.receipt} for index, message in enumerate(batch)
            ]
            answer = self._client.delete_message_batch(QueueUrl=self._queue_url, Entries=entries)
            if answer.get("Failed"):
                # Those come back after their visibility timeout and are reported once more: a repeat
                # in the next digest, never a loss.
                raise RuntimeError(f"{len(answer['Failed'])} digest messages not deleted: {answer['Failed']}")
