"""This deployment's public addresses, from the SSM parameters the template writes.

The template cannot hand them to the functions directly: the GWMS API's address in the API function's
own environment is a dependency cycle, and the console's address names the CloudFront distribution,
which the local stack does not deploy. A parameter that does not exist reads as None.
"""

from functools import cache
from typing import TYPE_CHECKING

import boto3

from proxyhub.settings import Settings

if TYPE_CHECKING:
    from mypy_boto3_ssm import SSMClient


class SsmPublicAddresses:
    def __init__(self, settings: Settings, client: "SSMClient | None" = None) -> None:
        self._settings = settings
        self._client = client
        # An address changes with a deploy, which starts new containers: read once per container.
        self._read = cache(self._read_parameter)

    def console_url(self) -> str | None:
        return self._read(self._settings.console_url_parameter)

    def webhook_base_url(self) -> str | None:
        return self._read(self._settings.webhook_base_url_parameter)

    def _read_parameter(self, name: str) -> str | None:
        if not name:
            return None
        client = self._client or boto3.client("ssm", region_name=self._settings.aws_region)
        try:
            value = client.get_parameter(Name=name)["Parameter"]["Value"]
        except client.exceptions.ParameterNotFound:
            return None
        return value or None
