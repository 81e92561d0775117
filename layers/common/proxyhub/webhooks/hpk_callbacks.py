"""`POST /hpk/callbacks`: unauthenticated at the gateway, verified here by HMAC signature."""

from functools import lru_cache
from http import HTTPStatus

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.api_gateway import Router

from proxyhub.dal.secrets import SecretsManagerStore
from proxyhub.errors import InvalidInputError
from proxyhub.orders import wiring as order_wiring
from proxyhub.orders.callbacks import CallbackSignatureError, HpkCallbackService
from proxyhub.settings import get_settings

router = Router()


@lru_cache(maxsize=1)
def hpk_callback_service() -> HpkCallbackService:
    settings = get_settings()
    secrets = SecretsManagerStore(settings)
    return HpkCallbackService(secrets, settings.hpk_callback_secret_name, order_wiring.order_tasks())


@router.post("/hpk/callbacks", include_in_schema=False)
def receive_hpk_callback() -> Response[dict[str, object]]:
    event = router.current_event
    raw_body = (event.decoded_body or "").encode()
    try:
        result = hpk_callback_service().handle(raw_body, event.headers.get("x-hpk-signature"))
    except CallbackSignatureError as error:
        return _json(HTTPStatus.UNAUTHORIZED, {"message": str(error)})
    except InvalidInputError as error:
        return _json(HTTPStatus.BAD_REQUEST, {"message": error.message, "field": error.field})
    body = {"message": "accepted", "order_no": result.order_no, "tasks_triggered": result.tasks_triggered}
    return _json(HTTPStatus.ACCEPTED, body)


def _json(status: HTTPStatus, body: dict[str, object]) -> Response[dict[str, object]]:
    return Response(status.value, content_types.APPLICATION_JSON, body)
