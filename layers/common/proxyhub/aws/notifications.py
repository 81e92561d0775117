"""The operations topic (SNS): alarms and the manual-handling digest reach people through it."""

from typing import TYPE_CHECKING

import boto3

from proxyhub.settings import Settings

if TYPE_CHECKING:
    from mypy_boto3_sns import SNSClient


class SnsNotifier:
    def __init__(self, settings: Settings, client: "SNSClient | None" = None) -> None:
        self._topic_arn = settings.operations_topic_arn
        self._client = client or boto3.client("sns", region_name=settings.aws_region)

    def notify(self, subject: str, message: str) -> None:
        self._client.publish(TopicArn=self._topic_arn, Subject=subject, Message=message)
