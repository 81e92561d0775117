"""What every webhook (OneWarehouse pushes, HPK status callbacks) counts, for the dashboard and the
verification-failure alarm in template.yaml."""

from typing import Literal

from proxyhub.observability import MetricUnit, record_metrics

WEBHOOK_REQUESTS_METRIC = "WebhookRequests"
WEBHOOK_VERIFICATION_FAILURES_METRIC = "WebhookVerificationFailures"

type WebhookSource = Literal["onewarehouse", "hpk"]
# accepted: carried out; refused: not read or not trusted (no connection, IP, signature, malformed);
# rejected: read and trusted, but the business said no; failed: our error (a 500).
type WebhookOutcome = Literal["accepted", "refused", "rejected", "failed"]


def count_webhook(source: WebhookSource, outcome: WebhookOutcome, *, verification_failed: bool) -> None:
    """One request by outcome, and whether its sender failed verification (IP, signature, timestamp or
    nonce), counted even when the connection's verify mode let it through."""
    record_metrics({"source": source, "outcome": outcome}, {WEBHOOK_REQUESTS_METRIC: (1, MetricUnit.Count)})
    record_metrics(
        {"source": source},
        {WEBHOOK_VERIFICATION_FAILURES_METRIC: (1 if verification_failed else 0, MetricUnit.Count)},
    )
