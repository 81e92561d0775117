"""template.yaml's operations: every alarm reaches people, the dashboard and the alarms cover every
function, the manual-handling rule hears what the engine publishes, and the outputs hand out the same
webhook addresses the code serves."""

import json
import re
from pathlib import Path
from typing import Any

import pytest
from samtranslator.yaml_helper import yaml_parse

from proxyhub.adapters.onewarehouse.codec import OneWarehouseCodec
from proxyhub.aws.event_bus import EVENT_SOURCE
from proxyhub.aws.inventory_schedules import NAME_PREFIX as INVENTORY_PREFIX
from proxyhub.aws.schedule_directory import TASK_PREFIX
from proxyhub.tasks.engine import MANUAL_HANDLING_EVENT
from proxyhub.upstream.ports import PushTopic

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
TOPIC = {"Ref": "OperationsTopic"}
API_BASE = "https://${HttpApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}"


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return dict(yaml_parse((ROOT / "template.yaml").read_text()))


def of_type(template: dict[str, Any], resource_type: str) -> dict[str, dict[str, Any]]:
    return {key: r for key, r in template["Resources"].items() if r["Type"] == resource_type}


def test_every_alarm_notifies_the_operations_topic_when_it_fires_and_when_it_clears(
    template: dict[str, Any],
) -> None:
    alarms = of_type(template, "AWS::CloudWatch::Alarm")
    assert len(alarms) >= 11
    for name, alarm in alarms.items():
        properties = alarm["Properties"]
        assert TOPIC in properties.get("AlarmActions", []), f"{name} tells nobody"
        assert TOPIC in properties.get("OKActions", []), f"{name} never says it cleared"
        assert "runbook" in json.dumps(properties["AlarmDescription"]), f"{name} names no runbook entry"


def test_the_alarm_email_subscribes_only_when_set(template: dict[str, Any]) -> None:
    (subscription,) = of_type(template, "AWS::SNS::Subscription").values()
    assert subscription["Condition"] == "HasAlarmEmail"
    assert template["Conditions"]["HasAlarmEmail"] == {
        "Fn::Not": [{"Fn::Equals": [{"Ref": "AlarmEmail"}, ""]}]
    }
    assert template["Parameters"]["AlarmEmail"]["Default"] == ""
    assert subscription["Properties"] == {
        "TopicArn": TOPIC,
        "Protocol": "email",
        "Endpoint": {"Ref": "AlarmEmail"},
    }


def test_the_topic_key_lets_cloudwatch_alarms_publish(template: dict[str, Any]) -> None:
    topic = template["Resources"]["OperationsTopic"]["Properties"]
    assert topic["KmsMasterKeyId"] == {"Ref": "OperationsTopicKey"}
    statements = template["Resources"]["OperationsTopicKey"]["Properties"]["KeyPolicy"]["Statement"]
    alarms = next(s for s in statements if s["Principal"] == {"Service": "cloudwatch.amazonaws.com"})
    assert set(alarms["Action"]) == {"kms:Decrypt", "kms:GenerateDataKey*"}


def test_every_function_is_in_the_error_and_throttle_alarms_and_on_the_dashboard(
    template: dict[str, Any],
) -> None:
    functions = set(of_type(template, "AWS::Serverless::Function"))
    body = template["Resources"]["OperationsDashboard"]["Properties"]["DashboardBody"]["Fn::Sub"]
    for alarm_name in ("FunctionErrorsAlarm", "FunctionThrottlesAlarm"):
        metrics = template["Resources"][alarm_name]["Properties"]["Metrics"]
        watched = {
            m["MetricStat"]["Metric"]["Dimensions"][0]["Value"]["Ref"] for m in metrics if "MetricStat" in m
        }
        assert watched == functions, alarm_name
        (total,) = [m for m in metrics if "Expression" in m]
        assert all(f"FILL({m['Id']},0)" in total["Expression"] for m in metrics if "MetricStat" in m)
    for metric in ("Duration", "Errors", "Throttles"):
        on_dashboard = set(re.findall(rf'"AWS/Lambda", "{metric}", "FunctionName", "\$\{{(\w+)\}}"', body))
        assert on_dashboard == functions, metric


def test_the_dashboard_is_json_and_shows_what_operations_watch(template: dict[str, Any]) -> None:
    body = template["Resources"]["OperationsDashboard"]["Properties"]["DashboardBody"]["Fn::Sub"]
    # CloudFormation substitutes ${...}; numbers stand in for the two numeric parameters.
    resolved = re.sub(r"\$\{(ManualBacklogAlarmThreshold|WebhookVerificationFailureThreshold)\}", "1", body)
    dashboard = json.loads(re.sub(r"\$\{[^}]+\}", "x", resolved))
    text = json.dumps(dashboard)
    for metric in (
        "TasksByStatus",
        "TasksByType",
        "ManualHandlingBacklog",
        "OldestBacklogTaskAgeHours",
        "VendorCallLatency",
        "VendorCallErrors",
        "WebhookRequests",
        "WebhookVerificationFailures",
        "ApproximateNumberOfMessagesVisible",
    ):
        assert metric in text, metric
    alarm_widget = next(widget for widget in dashboard["widgets"] if widget["type"] == "alarm")
    listed = set(re.findall(r"\$\{(\w+)\.Arn\}", body))
    assert listed == set(of_type(template, "AWS::CloudWatch::Alarm"))
    assert len(alarm_widget["properties"]["alarms"]) == len(listed)
    # The system code is a dimension of the vendor metrics, so each proxy system is its own line.
    assert "{ProxyHub,api,service,system_code}" in body


def test_the_manual_handling_rule_hears_what_the_engine_publishes(template: dict[str, Any]) -> None:
    rule = template["Resources"]["ManualHandlingRule"]["Properties"]
    assert rule["EventBusName"] == {"Ref": "DomainEventBus"}
    assert rule["EventPattern"] == {"source": [EVENT_SOURCE], "detail-type": [MANUAL_HANDLING_EVENT]}
    assert rule["Targets"][0]["Arn"] == {"Fn::GetAtt": ["ManualHandlingQueue", "Arn"]}
    digest = template["Resources"]["ManualHandlingDigestFunction"]["Properties"]
    assert digest["ReservedConcurrentExecutions"] == 1
    assert digest["Events"]["EveryFiveMinutes"]["Properties"]["ScheduleExpression"] == "rate(5 minutes)"


def test_the_outputs_hand_out_the_push_urls_the_code_serves_and_the_routes_take(
    template: dict[str, Any],
) -> None:
    codec = OneWarehouseCodec()
    outputs = {
        name: output["Value"]["Fn::Sub"]
        for name, output in template["Outputs"].items()
        if "Fn::Sub" in output["Value"]
    }
    push_outputs = {name: value for name, value in outputs.items() if name.endswith("PushUrl")}
    assert sorted(value.removeprefix(API_BASE) for value in push_outputs.values()) == sorted(
        codec.push_path(topic) for topic in PushTopic
    )
    webhook_routes = {
        event["Properties"]["Path"]
        for event in template["Resources"]["WebhookFunction"]["Properties"]["Events"].values()
        if event["Type"] == "HttpApi"
    }
    assert {value.removeprefix(API_BASE) for value in push_outputs.values()} | {
        "/hpk/callbacks"
    } == webhook_routes
    assert outputs["HpkCallbackUrl"] == f"{API_BASE}/hpk/callbacks"
    assert template["Resources"]["WebhookBaseUrlParameter"]["Properties"]["Value"] == {"Fn::Sub": API_BASE}
    for name in ("ConsoleUrl", "OperatorApiUrl", "OperatorUserPoolId", "OperationsTopicArn"):
        assert name in template["Outputs"]


def test_the_schedule_repair_runs_hourly_and_may_recreate_only_the_project_s_schedules(
    template: dict[str, Any],
) -> None:
    repair = template["Resources"]["ScheduleRepairFunction"]["Properties"]
    assert repair["Events"]["EveryHour"]["Properties"]["GroupName"] == {"Ref": "TaskScheduleGroup"}
    statements = [s for policy in repair["Policies"] if "Statement" in policy for s in policy["Statement"]]
    recreate = next(s for s in statements if s["Sid"] == "RecreateSchedules")
    assert "scheduler:DeleteSchedule" not in recreate["Action"]
    prefixes = [r["Fn::Sub"].rsplit("/", 1)[1] for r in recreate["Resource"]]
    assert prefixes == [f"{TASK_PREFIX}*", f"{INVENTORY_PREFIX}*"] == ["task-*", "inventory-sync-*"]
