"""The `PushCodec` port for OneWarehouse: what the push use case sees of its wire format and signing."""

from collections.abc import Mapping
from datetime import datetime

from proxyhub.adapters.onewarehouse.signing import redacted_push_headers, verify_push
from proxyhub.adapters.onewarehouse.wire import (
    TOPIC_PATHS,
    answer_reply,
    forbidden_reply,
    inadmissible_reply,
    malformed_reply,
    parse_push,
    refused_reply,
    reply_status,
    unauthorized_reply,
)
from proxyhub.upstream.ports import (
    NonceStore,
    Push,
    PushAnswer,
    PushRefused,
    PushReply,
    PushTopic,
    PushVerification,
)


def _reply(body: dict[str, object]) -> PushReply:
    return PushReply(reply_status(body), dict(body))


class OneWarehouseCodec:
    def push_path(self, topic: PushTopic) -> str:
        return f"/onewarehouse/{TOPIC_PATHS[topic]}"

    def verify(
        self,
        headers: Mapping[str, str],
        raw_body: bytes,
        app_key: str,
        app_secret: str,
        now: datetime,
        nonces: NonceStore,
    ) -> PushVerification:
        return verify_push(headers, raw_body, app_key, app_secret, now, nonces)

    def parse(self, topic: PushTopic, raw_body: bytes) -> Push:
        return parse_push(topic, raw_body)

    def answered(self, topic: PushTopic, answer: PushAnswer) -> PushReply:
        return _reply(answer_reply(topic, answer))

    def refused(self, refusal: PushRefused) -> PushReply:
        return _reply(refused_reply(refusal))

    def malformed(self, field: str, message: str) -> PushReply:
        return _reply(malformed_reply(field, message))

    def inadmissible(self, status: int, field: str, message: str) -> PushReply:
        return _reply(inadmissible_reply(status, field, message))

    def unauthorized(self, reason: str) -> PushReply:
        return _reply(unauthorized_reply(reason))

    def forbidden(self, reason: str) -> PushReply:
        return _reply(forbidden_reply(reason))

    def logged_headers(self, headers: Mapping[str, str]) -> dict[str, str]:
        return redacted_push_headers(headers)
