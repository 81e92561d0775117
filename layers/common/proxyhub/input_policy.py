"""The strict input policy's door rules, the same at every door (/v1, OneWarehouse pushes, HPK callbacks).

A body is JSON or nothing: another content type is a 415, more than `MAX_BODY_BYTES` a 413, and
anything the JSON reader below refuses is bad input naming its field (422 on /v1; each webhook answers
in its sender's own format). The reader refuses what would otherwise reach a 500 deep inside: nesting
past `MAX_JSON_DEPTH` (RecursionError), integers too long to convert (ValueError), NaN, Infinity and
numbers that overflow to infinity, and bodies that are not UTF-8. Path parameters are percent-decoded
once, here, before any route validates them (Powertools matches on the raw path and passes them on
encoded).

What a code or a quantity may be is the domain's rule: `proxyhub.models.input_rules`.
"""

import base64
import binascii
import json
import math
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any
from urllib.parse import unquote

MAX_BODY_BYTES = 256 * 1024
MAX_JSON_DEPTH = 20
# Longer than any quantity, amount or timestamp we read; Python refuses to convert past 4,300 digits.
MAX_NUMBER_CHARS = 40
JSON_MEDIA_TYPE = "application/json"


class InputRefused(Exception):  # noqa: N818 - names the answer, like BusinessRejection
    """Input refused at the door, before any use case sees it; `field` names the culprit."""

    status = HTTPStatus.UNPROCESSABLE_ENTITY

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class UnsupportedMediaType(InputRefused):
    status = HTTPStatus.UNSUPPORTED_MEDIA_TYPE


class PayloadTooLarge(InputRefused):
    status = HTTPStatus.REQUEST_ENTITY_TOO_LARGE


class _NumberRefusedError(ValueError):
    pass


def require_json_content_type(content_type: str | None) -> None:
    """A body sent with a content type must say `application/json` (a charset may follow); one sent
    with none is read as JSON, as Powertools and most clients assume."""
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    if media_type and media_type != JSON_MEDIA_TYPE:
        raise UnsupportedMediaType("content-type", f"the body must be {JSON_MEDIA_TYPE}, not {media_type}")


def require_size_within_limit(raw_body: bytes | str) -> None:
    size = len(raw_body.encode() if isinstance(raw_body, str) else raw_body)
    if size > MAX_BODY_BYTES:
        raise PayloadTooLarge("body", f"{size} bytes is more than the {MAX_BODY_BYTES} allowed")


def admit_body(content_type: str | None, raw_body: bytes) -> None:
    """The checks made before reading a body: a non-empty one is JSON, within the size limit, UTF-8."""
    if not raw_body:
        return
    require_json_content_type(content_type)
    require_size_within_limit(raw_body)
    _utf8(raw_body)


def body_bytes(body: str | None, is_base64_encoded: bool) -> bytes:
    """An API Gateway event's body as the client sent it."""
    if not body:
        return b""
    if not is_base64_encoded:
        return body.encode()
    try:
        return base64.b64decode(body, validate=True)
    except (binascii.Error, ValueError):
        raise InputRefused("body", "is not valid base64") from None


def load_json(raw_body: bytes | str) -> Any:
    """The body as JSON, refused (InputRefused naming `body`) rather than raising anything else."""
    require_size_within_limit(raw_body)
    text = _utf8(raw_body) if isinstance(raw_body, bytes) else raw_body
    try:
        value = json.loads(
            text, parse_int=_bounded_int, parse_float=_finite_float, parse_constant=_no_constant
        )
    except RecursionError:
        raise _too_deep() from None
    except _NumberRefusedError as error:
        raise InputRefused("body", str(error)) from None
    except ValueError as error:
        raise InputRefused("body", f"is not valid JSON ({error})") from None
    if _depth(value) > MAX_JSON_DEPTH:
        raise _too_deep()
    return value


def percent_decoded_path_parameters(parameters: Mapping[str, str]) -> dict[str, str]:
    """Path parameters as the client meant them (`T2%2Fx` is `T2/x`, which a code pattern then refuses)."""
    decoded = {}
    for name, value in parameters.items():
        try:
            decoded[name] = unquote(value, errors="strict")
        except UnicodeDecodeError:
            raise InputRefused(name, "is not percent-encoded UTF-8") from None
    return decoded


def _utf8(raw_body: bytes) -> str:
    try:
        return raw_body.decode("utf-8")
    except UnicodeDecodeError:
        raise InputRefused("body", "is not UTF-8 text") from None


def _bounded_int(literal: str) -> int:
    if len(literal) > MAX_NUMBER_CHARS:
        raise _NumberRefusedError(f"holds an integer of {len(literal)} digits (at most {MAX_NUMBER_CHARS})")
    return int(literal)


def _finite_float(literal: str) -> float:
    if len(literal) > MAX_NUMBER_CHARS:
        raise _NumberRefusedError(f"holds a number of {len(literal)} characters (at most {MAX_NUMBER_CHARS})")
    value = float(literal)
    if not math.isfinite(value):
        raise _NumberRefusedError(f"holds a number out of range ({literal})")
    return value


def _no_constant(literal: str) -> Any:
    raise _NumberRefusedError(f"holds {literal}, which is not a JSON number")


def _too_deep() -> InputRefused:
    return InputRefused("body", f"is nested more than {MAX_JSON_DEPTH} levels deep")


def _depth(value: Any) -> int:
    """How deep arrays and objects nest, counted without recursion."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        current, level = stack.pop()
        if isinstance(current, dict):
            children: Any = current.values()
        elif isinstance(current, list):
            children = current
        else:
            continue
        deepest = max(deepest, level)
        if deepest > MAX_JSON_DEPTH:
            return deepest
        stack.extend((child, level + 1) for child in children)
    return deepest
