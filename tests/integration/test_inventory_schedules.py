"""The 12-hour inventory sync schedule follows its warehouse mapping: created, updated, deleted with it."""

import importlib.util
import json
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import boto3
import pytest

from proxyhub.aws.inventory_schedules import inventory_schedule_name, rate_expression
from proxyhub.aws.scheduler import SCHEDULE_NAME
from proxyhub.settings import Settings

pytestmark = pytest.mark.integration

SYSTEM, PROXY_WAREHOUSE = "HPK01", "HPK-LA1"
MAPPING_PATH = f"/v1/proxy-systems/{SYSTEM}/warehouse-mappings/{PROXY_WAREHOUSE}"
COMPLETE = {
    "gwms_warehouse_code": "GW-LA",
    "virtual_putaway_location": "HPK-VPA",
    "defective_location": "HPK-DEF",
}
SYSTEM_BODY = {
    "code": SYSTEM,
    "name": "Hipacking",
    "system_type": "HPK",
    "api_endpoint": "http://127.0.0.1:3100",
    "account": "demo",
    "password": "demo-secret",
    "version": "5",
}

ApiCall = Callable[..., tuple[int, Any]]
FUNCTION_FILE = Path(__file__).resolve().parents[2] / "functions" / "inventory_sync" / "app.py"


def scheduled_sync_handler() -> Callable[[dict[str, Any], Any], dict[str, Any]]:
    """functions/inventory_sync/app.py, loaded as Lambda loads it."""
    spec = importlib.util.spec_from_file_location("function_inventory_sync_app", FUNCTION_FILE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    handler: Callable[[dict[str, Any], Any], dict[str, Any]] = module.lambda_handler
    return handler


def lambda_context(request_id: str) -> SimpleNamespace:
    return SimpleNamespace(
        function_name="inventory-sync",
        function_version="$LATEST",
        memory_limit_in_mb=512,
        invoked_function_arn="arn:aws:lambda:us-east-1:123456789012:function:inventory-sync",
        aws_request_id=request_id,
    )


@pytest.fixture
def scheduler(aws: Settings) -> Any:
    client = boto3.client("scheduler", region_name=aws.aws_region)
    client.create_schedule_group(Name=aws.schedule_group_name)
    return client


@pytest.fixture
def system(api: ApiCall) -> None:
    status, body = api("POST", "/v1/proxy-systems", SYSTEM_BODY)
    assert status == 201, body


def inventory_schedules(scheduler: Any, group: str) -> dict[str, dict[str, Any]]:
    names = [summary["Name"] for summary in scheduler.list_schedules(GroupName=group)["Schedules"]]
    return {name: scheduler.get_schedule(GroupName=group, Name=name) for name in names}


def put_mapping(api: ApiCall, **fields: str) -> None:
    status, body = api("PUT", MAPPING_PATH, fields)
    assert status == 200, body


@pytest.mark.usefixtures("system")
def test_the_schedule_follows_the_mapping_through_its_lifecycle(
    api: ApiCall, scheduler: Any, aws: Settings
) -> None:
    group = aws.schedule_group_name
    name = inventory_schedule_name(SYSTEM, PROXY_WAREHOUSE)
    # Given an incomplete mapping: no schedule
    put_mapping(api, gwms_warehouse_code="GW-LA", virtual_putaway_location="HPK-VPA")
    assert inventory_schedules(scheduler, group) == {}
    # When it is completed: a 12-hour schedule invoking the inventory-sync function with the mapping's codes
    put_mapping(api, **COMPLETE)
    schedule = inventory_schedules(scheduler, group)[name]
    assert schedule["ScheduleExpression"] == "rate(12 hours)"
    assert schedule["FlexibleTimeWindow"] == {"Mode": "OFF"}
    assert schedule["State"] == "ENABLED"
    target = schedule["Target"]
    assert (target["Arn"], target["RoleArn"]) == (
        aws.inventory_sync_function_arn,
        aws.inventory_sync_scheduler_role_arn,
    )
    assert json.loads(target["Input"]) == {"system_code": SYSTEM, "proxy_warehouse_code": PROXY_WAREHOUSE}
    assert target["DeadLetterConfig"] == {"Arn": aws.schedule_dlq_arn}
    # When it is saved again with another GWMS warehouse: the one schedule is updated
    put_mapping(api, **{**COMPLETE, "gwms_warehouse_code": "GW-LA2"})
    schedules = inventory_schedules(scheduler, group)
    assert list(schedules) == [name]
    assert "GW-LA2" in schedules[name]["Description"]
    # When a dedicated location is removed: the schedule goes
    put_mapping(api, gwms_warehouse_code="GW-LA2", defective_location="HPK-DEF")
    assert inventory_schedules(scheduler, group) == {}
    # When it is completed again and then deleted: the schedule comes back, then goes with the mapping
    put_mapping(api, **COMPLETE)
    assert list(inventory_schedules(scheduler, group)) == [name]
    status, _ = api("DELETE", MAPPING_PATH)
    assert status == 200
    assert inventory_schedules(scheduler, group) == {}


@pytest.mark.usefixtures("system")
def test_a_mapping_is_saved_even_when_its_schedule_cannot_be(api: ApiCall, aws: Settings) -> None:
    # Given no schedule group to put schedules in
    # When a complete mapping is saved
    status, body = api("PUT", MAPPING_PATH, COMPLETE)
    # Then the mapping is stored all the same (saving it again puts the schedule right)
    assert (status, body["complete"]) == (200, True)
    assert api("GET", MAPPING_PATH)[0] == 200


@pytest.mark.usefixtures("system")
def test_the_scheduled_function_starts_a_sync_and_skips_while_one_runs(
    api: ApiCall, scheduler: Any, aws: Settings
) -> None:
    # Given a complete mapping and the input its schedule carries
    put_mapping(api, **COMPLETE)
    [schedule] = inventory_schedules(scheduler, aws.schedule_group_name).values()
    event = json.loads(schedule["Target"]["Input"])
    handler = scheduled_sync_handler()
    # When the schedule fires twice
    first = handler(event, lambda_context("run-1"))
    second = handler(event, lambda_context("run-2"))
    # Then the first starts a sync task and the second is skipped, naming it
    assert first["started"] is True
    status, task = api("GET", f"/v1/tasks/{first['task_id']}")
    assert (status, task["task_type"], task["business_type"]) == (200, "inventory_sync", "inventory")
    assert second == {
        "started": False,
        "reason": f"Inventory sync task {first['task_id']} is already running for warehouse GW-LA",
    }


def test_schedule_names_are_valid_unique_and_readable() -> None:
    names = {
        inventory_schedule_name("A-B", "C"),
        inventory_schedule_name("A", "B-C"),
        inventory_schedule_name("S" * 64, "W" * 64),
    }
    assert len(names) == 3
    assert all(SCHEDULE_NAME.match(name) for name in names)
    assert inventory_schedule_name("HPK01", "HPK-LA1").startswith("inventory-sync-HPK01.HPK-LA1-")


def test_rate_expressions_use_the_coarsest_whole_unit() -> None:
    assert rate_expression(timedelta(hours=12)) == "rate(12 hours)"
    assert rate_expression(timedelta(days=1)) == "rate(1 day)"
    assert rate_expression(timedelta(minutes=90)) == "rate(90 minutes)"
    with pytest.raises(ValueError, match="whole minutes"):
        rate_expression(timedelta(seconds=30))
