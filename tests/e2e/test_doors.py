"""The local stack checks both doors as AWS does: operators' Cognito tokens, and GWMS's signatures."""

import gzip
import json
import time
from collections.abc import Iterator
from pathlib import Path

import boto3
import httpx
import jwt
import moto.cognitoidp
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from proxyhub_dev.local.auth import GwmsCredentials, GwmsSigner
from proxyhub_dev.local.identity import LOCAL_PASSWORD
from proxyhub_dev.local.runner import LocalServices, run_local_stack

pytestmark = pytest.mark.e2e

MOTO_PRIVATE_KEY = Path(moto.cognitoidp.__file__).parent / "resources" / "jwks-private.json.gz"


@pytest.fixture(scope="module")
def services() -> Iterator[LocalServices]:
    with run_local_stack(hpk_port=None, onewarehouse_port=None) as running:
        yield running


def get(services: LocalServices, path: str, **options: object) -> httpx.Response:
    return httpx.get(f"{services.api_url}{path}", timeout=30, **options)  # type: ignore[arg-type]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}".strip()}


def claims_of(services: LocalServices, **changes: object) -> dict[str, object]:
    """What a fresh ID token of the operator claims, changed as a test needs."""
    token = services.identity.id_token("operator@example.com")
    return {**jwt.decode(token, options={"verify_signature": False}), **changes}


def signed_by_the_pool(claims: dict[str, object]) -> str:
    """A token signed with moto's own pool key: only its claims can be wrong."""
    key = jwt.algorithms.RSAAlgorithm.from_jwk(json.loads(gzip.decompress(MOTO_PRIVATE_KEY.read_bytes())))
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": "dummy"})  # type: ignore[arg-type]


# ---------------------------------------------------------------- operators


def another_clients_token(services: LocalServices) -> str:
    cognito = boto3.client("cognito-idp")
    other = cognito.create_user_pool_client(
        UserPoolId=services.identity.user_pool_id,
        ClientName="another-app",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"],
    )["UserPoolClient"]["ClientId"]
    answer = cognito.initiate_auth(
        ClientId=other,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "operator@example.com", "PASSWORD": LOCAL_PASSWORD},
    )
    return str(answer["AuthenticationResult"]["IdToken"])


def test_a_signed_in_operators_token_opens_the_operators_door(services: LocalServices) -> None:
    token = services.identity.id_token("operator@example.com")

    response = get(services, "/v1/me", headers=bearer(token))

    assert response.status_code == 200
    me = response.json()
    assert (me["email"], me["role"], me["door"]) == ("operator@example.com", "admin", "operator")
    viewer = get(services, "/v1/me", headers=bearer(services.identity.id_token("viewer@example.com"))).json()
    assert (viewer["role"], viewer["can"]["sync_now"]) == ("viewer", False)


@pytest.mark.parametrize(
    "token",
    [
        pytest.param(lambda s: signed_by_the_pool(claims_of(s, exp=int(time.time()) - 60)), id="expired"),
        pytest.param(
            lambda s: jwt.encode(
                claims_of(s),
                rsa.generate_private_key(public_exponent=65537, key_size=2048),
                algorithm="RS256",
                headers={"kid": "dummy"},
            ),
            id="wrongly-signed",
        ),
        pytest.param(another_clients_token, id="for-another-client"),
        pytest.param(lambda s: signed_by_the_pool(claims_of(s, token_use="access")), id="an-access-token"),
        pytest.param(
            lambda s: signed_by_the_pool(claims_of(s, iss="https://example.com/other")), id="other-issuer"
        ),
        pytest.param(lambda s: "", id="missing"),
    ],
)
def test_a_bad_token_is_401(services: LocalServices, token: object) -> None:
    response = get(services, "/v1/tasks", headers=bearer(token(services)))  # type: ignore[operator]

    assert (response.status_code, response.json()) == (401, {"message": "Unauthorized"})


def test_a_viewer_is_refused_sync_now_by_name(services: LocalServices) -> None:
    token = services.identity.id_token("viewer@example.com")

    response = httpx.post(f"{services.api_url}/v1/tasks/any-task/sync-now", headers=bearer(token), timeout=30)

    assert (response.status_code, response.json()) == (
        403,
        {"message": "Your role (viewer) cannot run Sync Now"},
    )


# ---------------------------------------------------------------- GWMS


def test_an_unsigned_gwms_call_is_403_and_a_signed_one_200(services: LocalServices) -> None:
    assert (get(services, "/v1/tasks").status_code, get(services, "/v1/tasks").json()) == (
        403,
        {"message": "Forbidden"},
    )
    assert get(services, "/v1/tasks", auth=GwmsSigner(services.gwms)).status_code == 200


def test_a_signature_with_the_wrong_secret_or_for_a_changed_request_is_403(services: LocalServices) -> None:
    wrong = GwmsCredentials(services.gwms.access_key_id, "not-the-secret", services.gwms.region)
    assert get(services, "/v1/tasks", auth=GwmsSigner(wrong)).status_code == 403

    request = httpx.Request("GET", f"{services.api_url}/v1/tasks?status=manual")
    signed = next(GwmsSigner(services.gwms).auth_flow(request))
    tampered = httpx.Request("GET", f"{services.api_url}/v1/tasks?status=success", headers=signed.headers)
    with httpx.Client(timeout=30) as client:
        assert client.send(tampered).status_code == 403


def test_webhooks_stay_public_and_verify_their_own_signatures(services: LocalServices) -> None:
    response = httpx.post(f"{services.api_url}/hpk/callbacks", content=b"{}", timeout=30)

    assert response.status_code == 401  # the callback's own signature is missing, not an IAM one


def test_no_token_or_password_reaches_a_log_line(
    services: LocalServices, capfd: pytest.CaptureFixture[str]
) -> None:
    # Given calls through both doors, refused and accepted
    token = services.identity.id_token("operator@example.com")
    get(services, "/v1/tasks", headers=bearer(token))
    get(services, "/v1/tasks", headers=bearer(token + "x"))
    get(services, "/v1/tasks", auth=GwmsSigner(services.gwms))

    # Then nothing the handlers or the runner printed holds the token, a signature or a password
    printed = "".join(capfd.readouterr())
    assert token not in printed
    assert token.split(".")[2] not in printed
    assert LOCAL_PASSWORD not in printed
    assert services.gwms.secret_access_key not in printed
    assert "Signature=" not in printed
