"""What the two authorizers in front of the API do in AWS, done locally by the gateway.

- **Operators' door** (the operator API's JWT authorizer): `Authorization: Bearer <Cognito ID token>`,
  checked against the user pool's JWKS, issuer, app client (audience), expiry and token use. A bad
  or expired token is 401 `{"message": "Unauthorized"}`; the claims reach the function as
  `requestContext.authorizer.jwt.claims`, flattened to strings as API Gateway does.
- **GWMS's door** (the HTTP API's IAM authorizer): a Signature Version 4 for service `execute-api`,
  recomputed with botocore's signer against the local development credentials. An unsigned or badly
  signed request is 403 `{"message": "Forbidden"}`; the caller reaches the function as
  `requestContext.authorizer.iam`.

In AWS the doors are two APIs with two addresses; locally they share the gateway's address and the
`Authorization` scheme picks the door: Bearer for operators, anything else for GWMS.
"""

import hmac
import json
import os
from collections.abc import Generator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import jwt
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from proxyhub_dev.local.deploy import MOTO_ACCOUNT_ID
from proxyhub_dev.local.gateway import HttpRequest, HttpResponse
from proxyhub_dev.local.identity import LocalIdentity

SERVICE = "execute-api"
SIGNATURE_ALGORITHM = "AWS4-HMAC-SHA256"
# API Gateway refuses a signature more than five minutes away from its clock.
CLOCK_SKEW = timedelta(minutes=5)
DEFAULT_GWMS_ACCESS_KEY_ID = "AKIALOCALGWMS0000000"
DEFAULT_GWMS_SECRET_ACCESS_KEY = "local-gwms-secret"


@dataclass(frozen=True)
class GwmsCredentials:
    """The development credentials GWMS signs with locally (`LOCAL_GWMS_*` override them)."""

    access_key_id: str
    secret_access_key: str
    region: str

    @classmethod
    def from_environment(cls, region: str) -> "GwmsCredentials":
        return cls(
            os.environ.get("LOCAL_GWMS_ACCESS_KEY_ID", DEFAULT_GWMS_ACCESS_KEY_ID),
            os.environ.get("LOCAL_GWMS_SECRET_ACCESS_KEY", DEFAULT_GWMS_SECRET_ACCESS_KEY),
            region,
        )

    @property
    def caller(self) -> dict[str, Any]:
        """The IAM authorizer's context for this key: an IAM user of the local account."""
        user_id = f"AIDA{self.access_key_id[4:]}"
        return {
            "accessKey": self.access_key_id,
            "accountId": MOTO_ACCOUNT_ID,
            "callerId": user_id,
            "principalOrgId": None,
            "userArn": f"arn:aws:iam::{MOTO_ACCOUNT_ID}:user/gwms",
            "userId": user_id,
        }


class Refused(Exception):  # noqa: N818 - the answer a door gives
    def __init__(self, response: HttpResponse) -> None:
        super().__init__(response.status)
        self.response = response


def _refusal(status: int, message: str) -> Refused:
    body = json.dumps({"message": message}).encode()
    return Refused(HttpResponse(status, [("content-type", "application/json")], body))


class DoorKeeper:
    def __init__(
        self, identity: LocalIdentity, gwms: GwmsCredentials, operator_api: str, gwms_api: str
    ) -> None:
        self._identity = identity
        self._gwms = gwms
        self._operator_api = operator_api
        self._gwms_api = gwms_api
        self._jwks = jwt.PyJWKClient(identity.jwks_url)

    def api_for(self, request: HttpRequest) -> str:
        """Operators' requests carry a bearer token; everything else is for GWMS's API."""
        return self._operator_api if _is_bearer(request) else self._gwms_api

    def admit(self, request: HttpRequest) -> dict[str, Any] | HttpResponse:
        """The authorizer context of an admitted request, or the door's refusal."""
        try:
            return self._authorizer_for(request)
        except Refused as refusal:
            return refusal.response

    def _authorizer_for(self, request: HttpRequest) -> dict[str, Any]:
        authorization = _header(request, "authorization") or ""
        if _is_bearer(request):
            token = authorization.partition(" ")[2].strip()
            return {"jwt": {"claims": self._claims(token), "scopes": None}}
        self._check_signature(request, authorization)
        return {"iam": self._gwms.caller}

    # ------------------------------------------------------------ operators

    def _claims(self, token: str) -> dict[str, str]:
        identity = self._identity
        try:
            key = self._jwks.get_signing_key_from_jwt(token).key
            claims = jwt.decode(
                token,
                key,
                algorithms=["RS256"],
                audience=identity.client_id,
                issuer=identity.issuer,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except jwt.PyJWTError as error:
            raise _refusal(401, "Unauthorized") from error
        if claims.get("token_use") != "id":
            raise _refusal(401, "Unauthorized")
        return {name: _flattened(value) for name, value in claims.items()}

    # ------------------------------------------------------------ GWMS

    def _check_signature(self, request: HttpRequest, authorization: str) -> None:
        signed = _parse_authorization(authorization)
        amz_date = _header(request, "x-amz-date") or ""
        if signed is None or not self._in_scope(signed["Credential"], amz_date):
            raise _refusal(403, "Forbidden")
        expected = self._signature(request, signed["SignedHeaders"].split(";"), amz_date)
        if expected is None or not hmac.compare_digest(expected, signed["Signature"]):
            raise _refusal(403, "Forbidden")

    def _in_scope(self, credential: str, amz_date: str) -> bool:
        gwms = self._gwms
        try:
            signed_at = datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        except ValueError:
            return False
        scope = f"{gwms.access_key_id}/{amz_date[:8]}/{gwms.region}/{SERVICE}/aws4_request"
        return credential == scope and abs(datetime.now(UTC) - signed_at) <= CLOCK_SKEW

    def _signature(self, request: HttpRequest, signed_headers: list[str], amz_date: str) -> str | None:
        """botocore's SigV4 over exactly the headers the caller signed, at the caller's timestamp."""
        host = _header(request, "host")
        if host is None or "host" not in signed_headers:
            return None
        headers = {name: value for name, value in request.headers if name.lower() in signed_headers}
        aws_request = AWSRequest(
            method=request.method, url=f"http://{host}{request.target}", data=request.body, headers=headers
        )
        aws_request.context["timestamp"] = amz_date
        signer = SigV4Auth(
            Credentials(self._gwms.access_key_id, self._gwms.secret_access_key), SERVICE, self._gwms.region
        )
        canonical = signer.canonical_request(aws_request)
        return str(signer.signature(signer.string_to_sign(aws_request, canonical), aws_request))


def _is_bearer(request: HttpRequest) -> bool:
    return (_header(request, "authorization") or "").partition(" ")[0].lower() == "bearer"


def _header(request: HttpRequest, name: str) -> str | None:
    return next((value for key, value in request.headers if key.lower() == name), None)


def _parse_authorization(authorization: str) -> dict[str, str] | None:
    """`AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...` as a dict; None otherwise."""
    algorithm, _, rest = authorization.partition(" ")
    if algorithm != SIGNATURE_ALGORITHM:
        return None
    parts = dict(part.strip().partition("=")[::2] for part in rest.split(","))
    if not {"Credential", "SignedHeaders", "Signature"} <= parts.keys():
        return None
    return parts


def _flattened(value: Any) -> str:
    """API Gateway hands JWT claims on as strings, lists as "[a b]"."""
    if isinstance(value, list):
        return "[" + " ".join(str(item) for item in value) + "]"
    return str(value)


class GwmsSigner(httpx.Auth):
    """Signs requests as GWMS does (SigV4, service execute-api): the demo's and the tests' one signer."""

    requires_request_body = True

    def __init__(self, credentials: GwmsCredentials) -> None:
        self._signer = SigV4Auth(
            Credentials(credentials.access_key_id, credentials.secret_access_key), SERVICE, credentials.region
        )

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response]:
        signed = AWSRequest(
            method=request.method,
            url=str(request.url),
            data=request.content,
            headers={"host": request.url.netloc.decode()},
        )
        self._signer.add_auth(signed)
        for name in ("Authorization", "X-Amz-Date"):
            request.headers[name] = signed.headers[name]
        yield request
