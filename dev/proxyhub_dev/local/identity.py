"""The operators' user pool in moto's Cognito, made from the template's definitions, with two local users.

moto's CloudFormation creates no Cognito resources, and a pool's id is only known once it exists, so
the deployer leaves them to this module: the pool, its app client and its groups as the template
declares them, then `operator@example.com` (groups operator and admin) and `viewer@example.com`
(group viewer), both with a local-only password. moto signs real RS256 tokens and serves the pool's
JWKS, which the local gateway checks tokens against.
"""

from dataclasses import dataclass
from typing import Any

import boto3

from proxyhub_dev.local.template import SamTemplate

USER_POOL = "AWS::Cognito::UserPool"
USER_POOL_CLIENT = "AWS::Cognito::UserPoolClient"
USER_POOL_GROUP = "AWS::Cognito::UserPoolGroup"
LOCAL_PASSWORD = "Local-Pass-1"
LOCAL_USERS = {"operator@example.com": ("operator", "admin"), "viewer@example.com": ("viewer",)}
# moto answers the password flow; in AWS the console uses SRP (the client allows both there too).
LOCAL_AUTH_FLOW = "USER_PASSWORD_AUTH"


@dataclass(frozen=True)
class LocalIdentity:
    region: str
    user_pool_id: str
    client_id: str
    endpoint_url: str

    @property
    def issuer(self) -> str:
        """What moto writes in `iss`, as Cognito does."""
        return f"https://cognito-idp.{self.region}.amazonaws.com/{self.user_pool_id}"

    @property
    def jwks_url(self) -> str:
        return f"{self.endpoint_url}/{self.user_pool_id}/.well-known/jwks.json"

    def console_config(self) -> dict[str, Any]:
        """What the console reads from /console/config.json to sign operators in."""
        return {
            "region": self.region,
            "userPoolId": self.user_pool_id,
            "userPoolClientId": self.client_id,
            "cognitoEndpoint": self.endpoint_url,
            "authFlow": LOCAL_AUTH_FLOW,
        }

    def id_token(self, email: str, password: str = LOCAL_PASSWORD) -> str:
        """A user's ID token, as the console gets it when they sign in (tests and the demo use it)."""
        answer = boto3.client("cognito-idp").initiate_auth(
            ClientId=self.client_id,
            AuthFlow=LOCAL_AUTH_FLOW,
            AuthParameters={"USERNAME": email, "PASSWORD": password},
        )
        return str(answer["AuthenticationResult"]["IdToken"])


def create_local_identity(
    template: SamTemplate, stack_name: str, region: str, endpoint_url: str
) -> LocalIdentity:
    """Needs AWS_ENDPOINT_URL pointing at moto (LocalStack sets it)."""
    cognito = boto3.client("cognito-idp")
    resources = template.document().get("Resources", {})
    (pool,) = [r.get("Properties", {}) for r in resources.values() if r.get("Type") == USER_POOL]
    (client,) = [r.get("Properties", {}) for r in resources.values() if r.get("Type") == USER_POOL_CLIENT]
    groups = [r.get("Properties", {}) for r in resources.values() if r.get("Type") == USER_POOL_GROUP]
    pool_id = cognito.create_user_pool(
        PoolName=f"{stack_name}-operators",
        UsernameAttributes=pool.get("UsernameAttributes", ["email"]),
        AdminCreateUserConfig=pool.get("AdminCreateUserConfig", {}),
    )["UserPool"]["Id"]
    flows = sorted({*client.get("ExplicitAuthFlows", []), f"ALLOW_{LOCAL_AUTH_FLOW}"})
    client_id = cognito.create_user_pool_client(
        UserPoolId=pool_id, ClientName=f"{stack_name}-console", ExplicitAuthFlows=flows, GenerateSecret=False
    )["UserPoolClient"]["ClientId"]
    for group in groups:
        cognito.create_group(
            UserPoolId=pool_id, GroupName=group["GroupName"], Description=group.get("Description", "")
        )
    for email, group_names in LOCAL_USERS.items():
        _create_user(cognito, pool_id, email, group_names)
    return LocalIdentity(region, pool_id, client_id, endpoint_url)


def _create_user(cognito: Any, pool_id: str, email: str, group_names: tuple[str, ...]) -> None:
    attributes = [{"Name": "email", "Value": email}, {"Name": "email_verified", "Value": "true"}]
    cognito.admin_create_user(
        UserPoolId=pool_id, Username=email, UserAttributes=attributes, MessageAction="SUPPRESS"
    )
    cognito.admin_set_user_password(
        UserPoolId=pool_id, Username=email, Password=LOCAL_PASSWORD, Permanent=True
    )
    for group in group_names:
        cognito.admin_add_user_to_group(UserPoolId=pool_id, Username=email, GroupName=group)
