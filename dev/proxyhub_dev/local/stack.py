"""The AWS stand-in: a moto server in this process, with template.yaml deployed into it.

Once started, this process's environment points boto3 and PynamoDB at moto and holds the
deployed functions' environment variables, so handlers run here exactly as configured in AWS.
"""

import logging
import os
import tomllib
import warnings
from pathlib import Path
from typing import Any, cast

import boto3
import httpx
from moto.server import ThreadedMotoServer

from proxyhub import wiring
from proxyhub_dev.local.deploy import DeployedStack, deploy_template
from proxyhub_dev.local.direct_resources import SCHEDULE, SCHEDULE_GROUP
from proxyhub_dev.local.invoker import DeployedFunction
from proxyhub_dev.local.moto_trims import apply_moto_trims
from proxyhub_dev.local.template import SamTemplate

log = logging.getLogger(__name__)

LOCALHOST = "127.0.0.1"
DEFAULT_REGION = "us-east-1"
DEFAULT_STACK_NAME = "proxy-hub"
MOTO_CONFIG = {"lambda": {"use_docker": False}, "stepfunctions": {"execute_state_machine": True}}
FAKE_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}


class LocalStack:
    def __init__(
        self,
        template: SamTemplate,
        *,
        stack_name: str | None = None,
        moto_port: int = 0,
        time_scale: float = 1.0,
        region: str = DEFAULT_REGION,
    ) -> None:
        self.template = template
        self.stack_name = stack_name or stack_name_from_samconfig(template.directory)
        self.time_scale = time_scale
        self.region = region
        self._server = ThreadedMotoServer(ip_address=LOCALHOST, port=moto_port, verbose=False)
        self._environment = _EnvironmentOverlay()
        self._endpoint_url = ""
        self._deployed: DeployedStack | None = None
        self._configurations: dict[str, dict[str, Any]] = {}
        self._moto_config_before: dict[str, Any] = {}

    @property
    def endpoint_url(self) -> str:
        return self._endpoint_url

    @property
    def deployed(self) -> DeployedStack:
        if self._deployed is None:
            raise RuntimeError("The local stack is not started")
        return self._deployed

    def start(self) -> None:
        _quiet_moto()
        apply_moto_trims()
        self._server.start()
        host, port = self._server.get_host_and_port()
        self._endpoint_url = f"http://{host}:{port}"
        try:
            self._environment.apply(self._client_environment(port))
            self._configure_moto()
            self._deployed = deploy_template(self.template, self.stack_name, self.region)
            self._configurations = self._read_function_configurations()
            self._environment.apply(self._functions_environment())
            _forget_cached_services()
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        self._environment.restore()
        if self._endpoint_url:
            # moto's state lives in module globals: clear it, so a later stack starts from nothing.
            httpx.post(f"{self._endpoint_url}/moto-api/reset")
            httpx.post(f"{self._endpoint_url}/moto-api/config", json=self._moto_config_before)
            self._server.stop()
            self._endpoint_url = ""
        _forget_cached_services()

    def physical_name(self, logical_id: str) -> str:
        return self.deployed.physical_ids[logical_id]

    def function_arn(self, logical_id: str) -> str:
        return str(self._configurations[logical_id]["FunctionArn"])

    def function_env(self, logical_id: str) -> dict[str, str]:
        return dict(self._configurations[logical_id].get("Environment", {}).get("Variables", {}))

    def deployed_functions(self) -> list[DeployedFunction]:
        functions = []
        for logical_id, configuration in self._configurations.items():
            spec = self.template.functions[logical_id]
            functions.append(
                DeployedFunction(
                    logical_id=logical_id,
                    name=configuration["FunctionName"],
                    arn=configuration["FunctionArn"],
                    handler_file=spec.handler_file(self.template.directory),
                    handler_name=spec.handler_name,
                    memory_mb=configuration.get("MemorySize", 128),
                    timeout_seconds=configuration.get("Timeout", 3),
                    log_group_name=configuration.get("LoggingConfig", {}).get("LogGroup", ""),
                    one_at_a_time=spec.serves_http,
                )
            )
        return functions

    @property
    def schedule_group_names(self) -> list[str]:
        """The template's schedule groups, plus "default" if one of its schedules lives there."""
        names = set()
        for resource in self.deployed.direct_resources:
            if resource.resource_type == SCHEDULE_GROUP:
                names.add(resource.name)
            elif resource.resource_type == SCHEDULE and "GroupName" not in resource.properties:
                names.add("default")
        return sorted(names)

    def _client_environment(self, port: int) -> dict[str, str | None]:
        inherited_endpoints = {name: None for name in os.environ if name.startswith("AWS_ENDPOINT_URL_")}
        return {
            **inherited_endpoints,
            "AWS_ENDPOINT_URL": self._endpoint_url,
            **FAKE_CREDENTIALS,
            "AWS_SESSION_TOKEN": None,
            "AWS_PROFILE": None,
            "AWS_DEFAULT_REGION": self.region,
            "AWS_REGION": self.region,
            # moto's Step Functions calls Lambda tasks on localhost:MOTO_PORT.
            "MOTO_PORT": str(port),
            "TIME_SCALE": str(self.time_scale),
        }

    def _configure_moto(self) -> None:
        from moto.core.config import default_user_config

        current = cast(dict[str, Any], default_user_config)
        self._moto_config_before = {key: dict(current.get(key, {})) for key in MOTO_CONFIG}
        httpx.post(f"{self._endpoint_url}/moto-api/config", json=MOTO_CONFIG).raise_for_status()

    def _read_function_configurations(self) -> dict[str, dict[str, Any]]:
        client = boto3.client("lambda")
        return {
            logical_id: dict(client.get_function_configuration(FunctionName=self.physical_name(logical_id)))
            for logical_id in self.template.functions
        }

    def _functions_environment(self) -> dict[str, str | None]:
        """The union of all functions' variables: they share this one process."""
        union: dict[str, str | None] = {}
        for logical_id in self._configurations:
            for name, value in self.function_env(logical_id).items():
                if name in union and union[name] != value:
                    log.warning(
                        "%s differs between functions; keeping %r (%s has %r)",
                        name,
                        union[name],
                        logical_id,
                        value,
                    )
                    continue
                union[name] = value
        return union


def stack_name_from_samconfig(directory: Path) -> str:
    """The stack name `sam deploy` uses, so names like `${AWS::StackName}-events` match AWS."""
    samconfig = directory / "samconfig.toml"
    if not samconfig.exists():
        return DEFAULT_STACK_NAME
    parameters = (
        tomllib.loads(samconfig.read_text()).get("default", {}).get("global", {}).get("parameters", {})
    )
    return str(parameters.get("stack_name", DEFAULT_STACK_NAME))


class _EnvironmentOverlay:
    """Changes os.environ and remembers the original values, so stopping leaves no trace."""

    def __init__(self) -> None:
        self._original: dict[str, str | None] = {}

    def apply(self, values: dict[str, str | None]) -> None:
        for name, value in values.items():
            self._original.setdefault(name, os.environ.get(name))
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value

    def restore(self) -> None:
        self.apply(self._original)
        self._original = {}


def _forget_cached_services() -> None:
    """A new stack is a new Lambda container: the composition root and the settings are built afresh."""
    wiring.reset()


class _DropSkippedResourceNotices(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("No Moto CloudFormation support for")


def _quiet_moto() -> None:
    """moto logs every request and every skipped resource; the runner reports what matters."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    moto_logger = logging.getLogger("moto")
    if not any(isinstance(existing, _DropSkippedResourceNotices) for existing in moto_logger.filters):
        moto_logger.addFilter(_DropSkippedResourceNotices())
    warnings.filterwarnings(
        "ignore", message=r"Tried to parse .* not supported by moto", category=UserWarning
    )
