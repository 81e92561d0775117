"""Status callbacks from proxy warehouses: a verified hint that makes the order's tasks run now.

The callback is never taken as the truth; the woken task still reads the order from the proxy.
"""

from dataclasses import dataclass

from proxyhub.adapters.hpk import parse_hpk_callback, verify_hpk_callback
from proxyhub.dal import order_repository
from proxyhub.dal.secrets import SecretStore
from proxyhub.observability import logger
from proxyhub.orders.engine_tasks import EngineOrderTasks
from proxyhub.orders.models import OrderKind
from proxyhub.tasks.model import Trigger


class CallbackSignatureError(Exception):
    """The callback is not signed with our callback secret."""


@dataclass(frozen=True)
class CallbackResult:
    order_no: str | None
    tasks_triggered: list[str]


class HpkCallbackService:
    def __init__(self, secrets: SecretStore, secret_name: str, tasks: EngineOrderTasks) -> None:
        self._secrets = secrets
        self._secret_name = secret_name
        self._tasks = tasks

    def handle(self, raw_body: bytes, signature: str | None) -> CallbackResult:
        if not verify_hpk_callback(self._secrets.read(self._secret_name), raw_body, signature):
            raise CallbackSignatureError("Invalid X-HPK-Signature")
        callback = parse_hpk_callback(raw_body)
        # HPK echoes our order number as reference_no; it is the key our orders are stored under.
        stored = order_repository.find_order(OrderKind(callback.kind), callback.reference_no or "")
        if stored is None:
            logger.warning(
                "HPK callback for an unknown order", extra={"proxy_order_no": callback.proxy_order_no}
            )
            return CallbackResult(order_no=None, tasks_triggered=[])
        task_ids = self._tasks.run_unfinished_now(stored.order.order_no, Trigger.CALLBACK)
        logger.info("HPK callback", extra={"event": callback.event, "order_no": stored.order.order_no})
        return CallbackResult(order_no=stored.order.order_no, tasks_triggered=task_ids)
