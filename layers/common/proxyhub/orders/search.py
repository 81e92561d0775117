"""The Orders page's search: inbound or outbound orders by status, warehouse, created time and source."""

from proxyhub.errors import InvalidInputError
from proxyhub.models.orders import OrderKind, OrderSummary
from proxyhub.models.pages import Page
from proxyhub.orders.ports import OrderFilter, OrderStore


class OrderSearch:
    def __init__(self, orders: OrderStore) -> None:
        self._orders = orders

    def search(
        self, kind: OrderKind, order_filter: OrderFilter, limit: int, cursor: str | None
    ) -> Page[OrderSummary]:
        """Newest first; an order's tasks are the task list's `order_no` filter."""
        created_from, created_to = order_filter.created_from, order_filter.created_to
        if created_from is not None and created_to is not None and created_from > created_to:
            raise InvalidInputError("created_from must not be after created_to", field="created_from")
        return self._orders.search(kind, order_filter, limit, cursor)
