"""The order flows' view of the task engine (the OrderTasks port), over TaskEngine."""

from typing import Protocol

from proxyhub.clock import Clock
from proxyhub.models.orders import Order, TaskRef
from proxyhub.models.tasks import BusinessType, Route, Task, TaskType, Trigger
from proxyhub.observability import logger
from proxyhub.orders.ports import CancelBackoff
from proxyhub.tasks.engine import TaskEngine
from proxyhub.tasks.policy import TaskPolicy
from proxyhub.tasks.ports import TaskInvoker, TaskStore


class TaskLookups(TaskStore, Protocol):
    def tasks_of_order(self, order_no: str) -> list[Task]: ...


def _route(order: Order) -> Route:
    return Route(order.warehouse_code, order.proxy_warehouse_code, order.system_code)


def _ref(task: Task) -> TaskRef:
    return TaskRef(task_id=task.task_id, task_type=task.task_type.value, status=task.status.value)


class EngineOrderTasks:
    def __init__(
        self,
        engine: TaskEngine,
        tasks: TaskLookups,
        invoker: TaskInvoker,
        cancel_backoff: CancelBackoff,
        policy: TaskPolicy,
        clock: Clock,
    ) -> None:
        self._engine = engine
        self._tasks = tasks
        self._invoker = invoker
        self._cancel_backoff = cancel_backoff
        self._policy = policy
        self._clock = clock

    def new_create_task(self, order: Order) -> Task:
        kind = BusinessType(order.kind.value)
        # Runs at once; if that invoke is lost, the task is due and the sweeper runs it within minutes.
        return self._engine.new_task(
            TaskType.CREATE, kind, _route(order), order_no=order.order_no, run_now=True
        )

    def create_task_stored(self, task: Task) -> TaskRef:
        self._engine.task_stored(task)
        return _ref(task)

    def start_cancel_task(self, order: Order, reason: str) -> TaskRef:
        task = self._engine.create_task(
            TaskType.CANCEL,
            BusinessType(order.kind.value),
            _route(order),
            order_no=order.order_no,
            third_party_order_no=order.proxy_order_no,
            payload={"reason": reason},
        )
        try:
            self._cancel_backoff.start(task.task_id, self.cancel_waits())
        except Exception:
            # The task keeps its next check time: the sweeper runs it if the state machine never does.
            logger.exception(
                "Cancel backoff not started; the sweeper will check", extra={"task_id": task.task_id}
            )
        return _ref(task)

    def cancel_waits(self) -> list[int]:
        """The backoff steps in seconds, from the one table of polling intervals."""
        return [round(interval.total_seconds()) for interval in self._policy.rule(TaskType.CANCEL).intervals]

    def end_task(self, task_id: str, reason: str) -> None:
        self._engine.cancel_task(task_id, reason)

    def is_running(self, task_id: str) -> bool:
        task = self._tasks.get(task_id)
        return task is not None and task.is_leased(self._clock.now())

    def tasks_of(self, order_no: str) -> list[TaskRef]:
        return [_ref(task) for task in self._tasks.tasks_of_order(order_no)]

    def run_unfinished_now(self, order_no: str, trigger: Trigger) -> list[str]:
        """Asks the runner to run the order's unfinished tasks now (an HPK status callback's hint)."""
        task_ids = [task.task_id for task in self._tasks.tasks_of_order(order_no) if not task.status.terminal]
        for task_id in task_ids:
            self._invoker.run_async(task_id, trigger)
        return task_ids
