"""The HTTP resolver of every door: the input policy (`proxyhub.input_policy`) applied before any route.

Powertools runs its request validation first, before any middleware, and answers what it cannot
parse (a multipart body without a boundary, a body that is not UTF-8, a 5,000-digit integer) with a
500. So the policy runs one step earlier, where the route is known and its arguments are not yet read:
path parameters are percent-decoded, and a body must be JSON within the size limit. What it refuses
goes to the resolver's exception handlers like any route's error, so each door answers in its format.
"""

from collections.abc import Iterable
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.event_handler.api_gateway import ResponseBuilder, Route

from proxyhub.input_policy import admit_body, body_bytes, load_json, percent_decoded_path_parameters


class StrictHttpResolver(APIGatewayHttpResolver):
    """`raw_body_routes` (route rules such as `/onewarehouse/<topic>`) read and answer their bodies
    themselves, e.g. to keep a refused push in the request log."""

    def __init__(self, *, raw_body_routes: Iterable[str] = (), **options: Any) -> None:
        super().__init__(json_body_deserializer=load_json, **options)
        self._raw_body_routes = frozenset(raw_body_routes)

    def _call_route(self, route: Route, route_arguments: dict[str, str]) -> ResponseBuilder:
        try:
            decoded = percent_decoded_path_parameters(route_arguments)
            if route.path not in self._raw_body_routes:
                event = self.current_event
                admit_body(
                    event.headers.get("content-type"), body_bytes(event.body, bool(event.is_base64_encoded))
                )
        except Exception as refused:
            handled = self._call_exception_handler(refused, route)
            if handled is None:
                raise
            return handled
        return super()._call_route(route, decoded)
