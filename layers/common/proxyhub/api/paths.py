"""Path parameters of every /v1 route: codes under the one code pattern, checked after percent-decoding
(`proxyhub.strict_resolver`), so `T2%2Fx`, `HPK%20X` or `..%2Fx` never reach a use case."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

from proxyhub.models.input_rules import CODE_MAX_LENGTH, CODE_PATTERN

CodePath = Annotated[str, Path(min_length=1, max_length=CODE_MAX_LENGTH, pattern=CODE_PATTERN)]
