"""`make run`: the whole stack on 127.0.0.1 until Ctrl-C (SIGINT) or SIGTERM."""

import argparse
import logging
import signal
import sys
import threading
from datetime import timedelta
from pathlib import Path

from proxyhub_dev.local.direct_resources import STATE_MACHINE
from proxyhub_dev.local.identity import LOCAL_PASSWORD, LOCAL_USERS
from proxyhub_dev.local.runner import LocalServices, run_local_stack
from proxyhub_dev.local.stack import LocalStack
from proxyhub_dev.local.template import DEFAULT_CONSOLE_DIR, DEFAULT_TEMPLATE_PATH
from proxyhub_dev.local.timescale import scaled_wait

LOG_FORMAT = "%(asctime)s [local] %(message)s"


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    _log_runner_messages()
    stop_requested = threading.Event()
    for stop_signal in (signal.SIGINT, signal.SIGTERM):
        signal.signal(stop_signal, lambda *_: stop_requested.set())
    try:
        with run_local_stack(
            api_port=args.api_port,
            moto_port=args.moto_port,
            hpk_port=None if args.no_simulators else args.hpk_port,
            onewarehouse_port=None if args.no_simulators else args.onewarehouse_port,
            time_scale=args.time_scale,
            template_path=args.template,
            console_dir=args.console_dir,
        ) as services:
            print(_banner(services), flush=True)
            while not stop_requested.wait(0.5):
                continue
            print("Stopping the local stack...", flush=True)
    except OSError as error:
        # Typically a port already in use: say so without a traceback.
        print(f"Cannot run the local stack: {error}", file=sys.stderr)
        return 1
    print("Stopped.", flush=True)
    return 0


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m proxyhub_dev.local", description=__doc__)
    parser.add_argument("--api-port", type=int, default=3000, help="HTTP API port (0: any free port)")
    parser.add_argument("--moto-port", type=int, default=0, help="moto (AWS stand-in) port; 0: any free port")
    parser.add_argument("--hpk-port", type=int, default=3100, help="HPK simulator port (0: any free port)")
    parser.add_argument(
        "--onewarehouse-port", type=int, default=3200, help="OneWarehouse simulator port (0: any free port)"
    )
    parser.add_argument("--no-simulators", action="store_true", help="do not start the vendor simulators")
    parser.add_argument("--time-scale", type=float, help="compress waits, e.g. 60 (default: TIME_SCALE or 1)")
    parser.add_argument(
        "--template", type=Path, default=DEFAULT_TEMPLATE_PATH, help="the SAM template to deploy"
    )
    parser.add_argument(
        "--console-dir", type=Path, default=DEFAULT_CONSOLE_DIR, help="the operator console's build"
    )
    return parser.parse_args(argv)


def _log_runner_messages() -> None:
    """Runner messages go to stderr with a prefix; handlers log Powertools JSON to stdout."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    runner_logger = logging.getLogger("proxyhub_dev.local")
    runner_logger.addHandler(handler)
    runner_logger.setLevel(logging.INFO)
    runner_logger.propagate = False


def _banner(services: LocalServices) -> str:
    stack = services.stack
    routes = stack.template.http_routes()
    skipped = ", ".join(
        f"{logical_id} ({kind})" for logical_id, kind in stack.deployed.skipped_resources.items()
    )
    lines = [
        f"Local stack {stack.stack_name!r} is up (template {stack.template.path})",
        f"  API            {services.api_url}  ({len(routes)} routes, payload 2.0; both doors checked)",
        f"  GWMS signs     {_gwms_line(services)}",
        f"  Operators      {_operators_line()}",
        f"  Console        {_console_line(services)}",
        f"  AWS (moto)     {services.moto_url}  (aws --endpoint-url {services.moto_url} ...)",
        f"  HPK simulator  {_hpk_line(services)}",
        f"  OneWarehouse   {_onewarehouse_line(services)}",
        f"  State machines {', '.join(_state_machine_names(stack)) or 'none'}  (executed by moto)",
        f"  Time scale     {_time_scale_line(stack.time_scale)}",
        f"  Schedules      fired locally from {', '.join(stack.schedule_group_names) or 'no group'}",
        f"  Not in moto    {skipped or 'nothing'}; the HTTP API is served by the local gateway",
        "  Logs           handlers: Powertools JSON on stdout; runner: '[local]' lines on stderr",
        "Try it: make demo (another terminal). Ctrl-C stops everything.",
    ]
    return "\n".join(lines)


def _gwms_line(services: LocalServices) -> str:
    gwms = services.gwms
    return (
        f"SigV4, service execute-api, region {gwms.region}: access key {gwms.access_key_id} / secret "
        f"{gwms.secret_access_key}  (curl --aws-sigv4 aws:amz:{gwms.region}:execute-api --user KEY:SECRET ...)"
    )


def _operators_line() -> str:
    users = ", ".join(f"{email} ({' + '.join(groups)})" for email, groups in LOCAL_USERS.items())
    return f"{users}; password {LOCAL_PASSWORD} (local only; Cognito in moto)"


def _console_line(services: LocalServices) -> str:
    if not services.console.available:
        return "not built (make run builds it; or cd console && npm ci && npm run build)"
    return f"{services.console_url}  (same origin as the API)"


def _hpk_line(services: LocalServices) -> str:
    if services.hpk is None:
        return "not started"
    from proxyhub_dev.simulators.hpk import DEFAULT_ACCOUNT, DEFAULT_PASSWORD

    callbacks = services.hpk_callbacks
    pushes = f"callbacks to {callbacks.url}" if callbacks else "no callbacks"
    return f"{services.hpk_url}  (account {DEFAULT_ACCOUNT} / password {DEFAULT_PASSWORD}; {pushes})"


def _onewarehouse_line(services: LocalServices) -> str:
    if services.onewarehouse is None:
        return "not started"
    from proxyhub_dev.simulators.onewarehouse import DEFAULT_APP_KEY, DEFAULT_APP_SECRET, DEFAULT_CALLBACK_KEY

    keys = f"app key {DEFAULT_APP_KEY} / secret {DEFAULT_APP_SECRET} / callback key {DEFAULT_CALLBACK_KEY}"
    return f"{services.onewarehouse_url}  (pushes to {services.api_url}/onewarehouse/...; {keys})"


def _state_machine_names(stack: LocalStack) -> list[str]:
    resources = stack.deployed.direct_resources
    return [resource.name for resource in resources if resource.resource_type == STATE_MACHINE]


def _time_scale_line(time_scale: float) -> str:
    if time_scale == 1:
        return "1x, real time (TIME_SCALE=60 makes a 30-minute poll fire after 30 s)"
    thirty_minutes = scaled_wait(timedelta(minutes=30), time_scale).total_seconds()
    return f"{time_scale:g}x: a 30-minute poll fires after {thirty_minutes:g} s (schedules and Wait states)"


if __name__ == "__main__":
    sys.exit(main())
