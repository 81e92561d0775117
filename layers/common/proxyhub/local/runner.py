"""Starts the whole local stack in this process and stops it in reverse order."""

import importlib.util
import logging
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from proxyhub.local.gateway import LocalHttpApi
from proxyhub.local.invoker import LocalInvoker, route_lambda_invokes_to
from proxyhub.local.scheduler import SchedulerEmulator
from proxyhub.local.stack import LOCALHOST, LocalStack
from proxyhub.local.template import DEFAULT_TEMPLATE_PATH, SamTemplate
from proxyhub.settings import Settings

if TYPE_CHECKING:
    from proxyhub.simulators.hpk import HpkSimulator

log = logging.getLogger(__name__)

HPK_SIMULATOR_MODULE = "proxyhub.simulators.hpk"


@dataclass(frozen=True)
class LocalServices:
    stack: LocalStack
    invoker: LocalInvoker
    api: LocalHttpApi
    scheduler: SchedulerEmulator
    hpk: "HpkSimulator | None"

    @property
    def api_url(self) -> str:
        return self.api.base_url

    @property
    def moto_url(self) -> str:
        return self.stack.endpoint_url

    @property
    def hpk_url(self) -> str | None:
        return self.hpk.base_url if self.hpk else None


@contextmanager
def run_local_stack(
    *,
    api_port: int = 0,
    moto_port: int = 0,
    hpk_port: int | None = 0,
    time_scale: float | None = None,
    template_path: Path = DEFAULT_TEMPLATE_PATH,
) -> Iterator[LocalServices]:
    """Port 0 picks a free port; `hpk_port=None` leaves the HPK simulator out.

    The time scale defaults to the TIME_SCALE setting. While running, this process's environment
    points AWS clients at moto; everything is undone on exit.
    """
    scale = Settings().time_scale if time_scale is None else time_scale
    with ExitStack() as running:
        stack = LocalStack(SamTemplate.load(template_path), moto_port=moto_port, time_scale=scale)
        stack.start()
        running.callback(stack.stop)
        invoker = LocalInvoker(stack.deployed_functions())
        running.callback(invoker.close)
        running.callback(route_lambda_invokes_to(invoker))
        api = LocalHttpApi(stack.template.http_routes(), invoker.invoke, host=LOCALHOST, port=api_port)
        api.start()
        running.callback(api.stop)
        scheduler = SchedulerEmulator(invoker, stack.schedule_group_names, scale)
        scheduler.start()
        running.callback(scheduler.stop)
        hpk = None if hpk_port is None else _start_hpk_simulator(hpk_port)
        if hpk is not None:
            running.callback(hpk.stop)
        yield LocalServices(stack, invoker, api, scheduler, hpk)


def _start_hpk_simulator(port: int) -> "HpkSimulator | None":
    # Written alongside the runner: without it the stack still runs, minus the vendor stand-in.
    if importlib.util.find_spec(HPK_SIMULATOR_MODULE) is None:
        log.warning("HPK simulator not available (%s is missing); starting without it", HPK_SIMULATOR_MODULE)
        return None
    from proxyhub.simulators.hpk import HpkSimulator

    return HpkSimulator(host=LOCALHOST, port=port).start()
