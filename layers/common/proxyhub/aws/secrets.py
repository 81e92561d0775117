"""The secret store on AWS Secrets Manager. Values are write-only through the API and never logged."""

import boto3
from aws_lambda_powertools.utilities.parameters import SecretsProvider

from proxyhub.settings import Settings


class SecretsManagerStore:
    """The `SecretStore` port; reads are cached a minute (Powertools parameters)."""

    def __init__(self, settings: Settings) -> None:
        self._client = boto3.client("secretsmanager", region_name=settings.aws_region)
        self._provider = SecretsProvider(boto3_client=self._client)

    def put(self, name: str, value: str) -> None:
        self._provider.clear_cache()
        try:
            self._client.put_secret_value(SecretId=name, SecretString=value)
        except self._client.exceptions.ResourceNotFoundException:
            self._client.create_secret(Name=name, SecretString=value)

    def read(self, name: str) -> str:
        # Cached for a minute: a task run reads the same credentials many times.
        return str(self._provider.get(name, max_age=60))

    def delete(self, name: str) -> None:
        self._provider.clear_cache()
        try:
            self._client.delete_secret(SecretId=name, ForceDeleteWithoutRecovery=True)
        except self._client.exceptions.ResourceNotFoundException:
            return
