"""Starts the whole local stack in this process and stops it in reverse order."""

import importlib.util
import logging
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import boto3

from proxyhub.settings import Settings
from proxyhub_dev.local.auth import DoorKeeper, GwmsCredentials
from proxyhub_dev.local.console import ConsoleFiles
from proxyhub_dev.local.gateway import LocalHttpApi
from proxyhub_dev.local.identity import LocalIdentity, create_local_identity
from proxyhub_dev.local.invoker import LocalInvoker, route_lambda_invokes_to
from proxyhub_dev.local.scheduler import SchedulerEmulator
from proxyhub_dev.local.stack import LOCALHOST, LocalStack
from proxyhub_dev.local.stepfunctions import compress_state_machine_waits, stop_running_executions
from proxyhub_dev.local.template import DEFAULT_CONSOLE_DIR, DEFAULT_TEMPLATE_PATH, SamTemplate

if TYPE_CHECKING:
    from proxyhub_dev.simulators.hpk import HpkSimulator
    from proxyhub_dev.simulators.onewarehouse import OneWarehouseSimulator

log = logging.getLogger(__name__)

HPK_SIMULATOR_MODULE = "proxyhub_dev.simulators.hpk"
ONEWAREHOUSE_SIMULATOR_MODULE = "proxyhub_dev.simulators.onewarehouse"
HPK_CALLBACK_ROUTE = ("POST", "/hpk/callbacks")
# The template's two doors to the API function (their HttpApi logical ids).
GWMS_API = "HttpApi"
OPERATOR_API = "OperatorApi"


@dataclass(frozen=True)
class HpkCallbacks:
    """Where the HPK simulator pushes status callbacks, signed with the stack's callback secret."""

    url: str
    secret_name: str


@dataclass(frozen=True)
class LocalServices:
    stack: LocalStack
    invoker: LocalInvoker
    api: LocalHttpApi
    scheduler: SchedulerEmulator
    hpk: "HpkSimulator | None"
    hpk_callbacks: HpkCallbacks | None
    onewarehouse: "OneWarehouseSimulator | None"
    console: ConsoleFiles
    identity: LocalIdentity
    gwms: GwmsCredentials

    @property
    def api_url(self) -> str:
        return self.api.base_url

    @property
    def console_url(self) -> str:
        return f"{self.api.base_url}/console/"

    @property
    def moto_url(self) -> str:
        return self.stack.endpoint_url

    @property
    def hpk_url(self) -> str | None:
        return self.hpk.base_url if self.hpk else None

    @property
    def onewarehouse_url(self) -> str | None:
        return self.onewarehouse.base_url if self.onewarehouse else None


@contextmanager
def run_local_stack(
    *,
    api_port: int = 0,
    moto_port: int = 0,
    hpk_port: int | None = 0,
    onewarehouse_port: int | None = 0,
    time_scale: float | None = None,
    template_path: Path = DEFAULT_TEMPLATE_PATH,
    console_dir: Path = DEFAULT_CONSOLE_DIR,
) -> Iterator[LocalServices]:
    """Port 0 picks a free port; a simulator port of None leaves that simulator out.

    The time scale defaults to the TIME_SCALE setting and is applied here, to the two AWS timers
    the application relies on: schedules firing and Step Functions Wait states. While running,
    this process's environment points AWS clients at moto; everything is undone on exit.
    """
    scale = Settings().time_scale if time_scale is None else time_scale
    with ExitStack() as running:
        stack = LocalStack(SamTemplate.load(template_path), moto_port=moto_port, time_scale=scale)
        stack.start()
        running.callback(stack.stop)
        invoker = LocalInvoker(stack.deployed_functions())
        running.callback(invoker.close)
        running.callback(route_lambda_invokes_to(invoker))
        running.callback(compress_state_machine_waits(scale))
        running.callback(stop_running_executions)
        identity = create_local_identity(stack.template, stack.stack_name, stack.region, stack.endpoint_url)
        gwms = GwmsCredentials.from_environment(stack.region)
        console = ConsoleFiles(console_dir, identity.console_config())
        api = LocalHttpApi(
            stack.template.http_routes(),
            invoker.invoke,
            host=LOCALHOST,
            port=api_port,
            static=console,
            doors=DoorKeeper(identity, gwms, operator_api=OPERATOR_API, gwms_api=GWMS_API),
        )
        api.start()
        running.callback(api.stop)
        scheduler = SchedulerEmulator(invoker, stack.schedule_group_names, scale)
        scheduler.start()
        running.callback(scheduler.stop)
        callbacks = _hpk_callbacks(stack, api.base_url)
        hpk = None if hpk_port is None else _start_hpk_simulator(hpk_port, callbacks)
        if hpk is not None:
            running.callback(hpk.stop)
        onewarehouse = None if onewarehouse_port is None else _start_onewarehouse(onewarehouse_port, api)
        if onewarehouse is not None:
            running.callback(onewarehouse.stop)
        yield LocalServices(
            stack,
            invoker,
            api,
            scheduler,
            hpk,
            callbacks if hpk else None,
            onewarehouse,
            console,
            identity,
            gwms,
        )


def _hpk_callbacks(stack: LocalStack, api_url: str) -> HpkCallbacks | None:
    """The template's callback route and secret, or None (with the reason logged) while either is missing."""
    routes = {(route.method, route.path) for route in stack.template.http_routes()}
    if HPK_CALLBACK_ROUTE not in routes:
        log.warning("template.yaml has no %s route: the HPK simulator sends no callbacks", HPK_CALLBACK_ROUTE)
        return None
    # The functions' environment is this process's now: the name is the one the handler verifies with.
    secret_name = Settings().hpk_callback_secret_name
    if not secret_name:
        log.warning("No HPK_CALLBACK_SECRET_NAME in the functions' environment: no HPK callbacks")
        return None
    return HpkCallbacks(url=f"{api_url}{HPK_CALLBACK_ROUTE[1]}", secret_name=secret_name)


def _start_hpk_simulator(port: int, callbacks: HpkCallbacks | None) -> "HpkSimulator | None":
    if not _available(HPK_SIMULATOR_MODULE):
        return None
    from proxyhub_dev.simulators.hpk import HpkSimulator

    if callbacks is None:
        return HpkSimulator(host=LOCALHOST, port=port).start()
    secret = boto3.client("secretsmanager").get_secret_value(SecretId=callbacks.secret_name)["SecretString"]
    return HpkSimulator(host=LOCALHOST, port=port, callback_url=callbacks.url, callback_secret=secret).start()


def _start_onewarehouse(port: int, api: LocalHttpApi) -> "OneWarehouseSimulator | None":
    if not _available(ONEWAREHOUSE_SIMULATOR_MODULE):
        return None
    from proxyhub_dev.simulators.onewarehouse import OneWarehouseSimulator

    # Pushes go to the webhook routes of this stack's API.
    return OneWarehouseSimulator(host=LOCALHOST, port=port, target_base_url=api.base_url).start()


def _available(module: str) -> bool:
    # Simulators are written alongside the runner: without one the stack still runs, minus that vendor.
    if importlib.util.find_spec(module) is None:
        log.warning("%s is missing: starting without that simulator", module)
        return False
    return True
