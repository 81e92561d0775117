"""The secret store port: credentials are written and read here, never kept in DynamoDB or shown.

AWS Secrets Manager in AWS (`proxyhub.aws.secrets.SecretsManagerStore`)."""

from typing import Protocol


class SecretStore(Protocol):
    def put(self, name: str, value: str) -> None: ...

    def read(self, name: str) -> str: ...

    def delete(self, name: str) -> None: ...


def secret_name(prefix: str, kind: str, identifier: str) -> str:
    """Names live under the stack's prefix, which is what the functions' IAM policies allow."""
    return f"{prefix}/{kind}/{identifier}"
