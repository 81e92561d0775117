"""moto's lambda.invoke (and Step Functions Lambda tasks) routed to the real handlers in this process.

The stack is template.yaml plus, in a copy, the kinds of resources moto's CloudFormation skips
(schedule group, secret, state machine) and a small echo function to observe invocations.
"""

import io
import json
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import boto3
import pytest
from samtranslator.yaml_helper import yaml_parse

from proxyhub_dev.local.invoker import LocalInvoker, route_lambda_invokes_to
from proxyhub_dev.local.stack import LocalStack
from proxyhub_dev.local.template import SamTemplate

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]

ECHO_HANDLER = """
import os


def lambda_handler(event, context):
    if event.get("fail"):
        raise RuntimeError("asked to fail")
    return {
        "event": event,
        "function_name": context.function_name,
        "schedule_group": os.environ["SCHEDULE_GROUP_NAME"],
        "callback_secret": os.environ["CALLBACK_SECRET_NAME"],
        "state_machine": os.environ["ECHO_STATE_MACHINE_ARN"],
    }
"""

ECHO_STATE_MACHINE = {
    "StartAt": "Echo",
    "States": {
        "Echo": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": "${EchoArn}", "Payload.$": "$"},
            "ResultSelector": {"echoed.$": "$.Payload.event"},
            "End": True,
        }
    },
}

EXTRA_RESOURCES: dict[str, Any] = {
    "TaskScheduleGroup": {
        "Type": "AWS::Scheduler::ScheduleGroup",
        "Properties": {"Name": {"Fn::Sub": "${AWS::StackName}-tasks"}},
    },
    "CallbackSecret": {
        "Type": "AWS::SecretsManager::Secret",
        "Properties": {
            "Name": {"Fn::Sub": "${AWS::StackName}/hpk/callback"},
            "GenerateSecretString": {"PasswordLength": 32, "ExcludePunctuation": True},
        },
    },
    "EchoFunction": {
        "Type": "AWS::Serverless::Function",
        "Properties": {
            "CodeUri": "functions/echo/",
            "Handler": "app.lambda_handler",
            "Environment": {
                "Variables": {
                    "SCHEDULE_GROUP_NAME": {"Ref": "TaskScheduleGroup"},
                    "CALLBACK_SECRET_NAME": {"Ref": "CallbackSecret"},
                    "ECHO_STATE_MACHINE_ARN": {"Ref": "EchoStateMachine"},
                }
            },
        },
    },
    "EchoStateMachine": {
        "Type": "AWS::Serverless::StateMachine",
        "Properties": {
            "DefinitionUri": "statemachine/echo.asl.json",
            "DefinitionSubstitutions": {"EchoArn": {"Fn::GetAtt": ["EchoFunction", "Arn"]}},
            "Policies": [{"LambdaInvokePolicy": {"FunctionName": {"Ref": "EchoFunction"}}}],
        },
    },
}


@dataclass(frozen=True)
class RunningStack:
    stack: LocalStack
    invoker: LocalInvoker


def template_with_extra_resources(directory: Path) -> Path:
    """template.yaml's resources plus EXTRA_RESOURCES; the original functions keep their code."""
    document = yaml_parse((ROOT / "template.yaml").read_text())
    local_paths = {"AWS::Serverless::Function": "CodeUri", "AWS::Serverless::StateMachine": "DefinitionUri"}
    for resource in document["Resources"].values():
        path_property = local_paths.get(resource["Type"])
        if path_property:
            resource["Properties"][path_property] = str(ROOT / resource["Properties"][path_property])
    document["Resources"].update(EXTRA_RESOURCES)
    (directory / "functions" / "echo").mkdir(parents=True)
    (directory / "functions" / "echo" / "app.py").write_text(ECHO_HANDLER)
    (directory / "statemachine").mkdir()
    (directory / "statemachine" / "echo.asl.json").write_text(json.dumps(ECHO_STATE_MACHINE))
    path = directory / "template.yaml"
    path.write_text(json.dumps(document))  # JSON is YAML
    return path


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    template = SamTemplate.load(template_with_extra_resources(tmp_path_factory.mktemp("stack")))
    stack = LocalStack(template)
    stack.start()
    invoker = LocalInvoker(stack.deployed_functions())
    undo = route_lambda_invokes_to(invoker)
    yield RunningStack(stack, invoker)
    undo()
    invoker.close()
    stack.stop()


def api_event(name: str) -> dict[str, Any]:
    return dict(json.loads((ROOT / "events" / f"{name}.json").read_text()))


def invoke(
    function_name: str, event: Any, invocation_type: Literal["Event", "RequestResponse"] = "RequestResponse"
) -> dict[str, Any]:
    response = boto3.client("lambda").invoke(
        FunctionName=function_name, InvocationType=invocation_type, Payload=json.dumps(event).encode()
    )
    return dict(response)


def test_lambda_invoke_returns_the_real_handlers_result(running: RunningStack) -> None:
    # Given the API function deployed in moto  When it is invoked through the Lambda API
    response = invoke(running.stack.function_arn("ApiFunction"), api_event("openapi"))

    # Then the real handler answered, not moto's echo
    assert response["StatusCode"] == 200 and "FunctionError" not in response
    result = json.loads(response["Payload"].read())
    assert result["statusCode"] == 200
    assert json.loads(result["body"])["info"]["title"] == "GWMS proxy-warehouse integration hub"


def test_event_invocations_run_the_handler_in_the_background(running: RunningStack) -> None:
    # Given a proxy-system creation sent as an asynchronous invocation
    create = api_event("proxy_system_create")
    code = json.loads(create["body"])["code"]

    response = invoke(running.stack.physical_name("ApiFunction"), create, invocation_type="Event")

    # Then Lambda accepted it at once, and the system appears once the handler has run
    assert response["StatusCode"] == 202
    get = api_event("proxy_system_get")
    get["rawPath"] = get["requestContext"]["http"]["path"] = f"/v1/proxy-systems/{code}"
    get["pathParameters"] = {"code": code}
    deadline = time.monotonic() + 10
    while running.invoker.invoke("ApiFunction", get)["statusCode"] != 200:
        assert time.monotonic() < deadline, "the Event invocation never created the proxy system"
        time.sleep(0.1)


def test_handler_exceptions_come_back_as_unhandled_function_errors(running: RunningStack) -> None:
    response = invoke(running.stack.physical_name("EchoFunction"), {"fail": True})

    assert response["FunctionError"] == "Unhandled"
    assert json.loads(response["Payload"].read()) == {
        "errorMessage": "asked to fail",
        "errorType": "RuntimeError",
        "stackTrace": [],
    }


def test_functions_are_found_by_logical_id_name_and_any_arn(running: RunningStack) -> None:
    name = running.stack.physical_name("EchoFunction")
    arn = running.stack.function_arn("EchoFunction")

    for reference in ("EchoFunction", name, arn, f"{arn}:$LATEST", f"123456789012:function:{name}"):
        assert running.invoker.resolve(reference).logical_id == "EchoFunction"
    assert not running.invoker.knows("NoSuchFunction")


def test_functions_created_outside_the_template_keep_moto_echo(running: RunningStack) -> None:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as code:
        code.writestr("app.py", "")
    boto3.client("lambda").create_function(
        FunctionName="hand-made",
        Runtime="python3.13",
        Role=boto3.client("iam").list_roles()["Roles"][0]["Arn"],
        Handler="app.handler",
        Code={"ZipFile": archive.getvalue()},
    )

    response = invoke("hand-made", {"ping": 1})

    assert json.loads(response["Payload"].read()) == {"ping": 1}


def test_a_state_machine_lambda_task_runs_the_real_handler(running: RunningStack) -> None:
    # Given the state machine the template declares, created through the Step Functions API
    state_machine_arn = running.stack.function_env("EchoFunction")["ECHO_STATE_MACHINE_ARN"]
    client = boto3.client("stepfunctions")

    # When it runs
    execution = client.start_execution(
        stateMachineArn=state_machine_arn, name="echo-1", input=json.dumps({"order": "SO-1"})
    )
    deadline = time.monotonic() + 10
    while (described := client.describe_execution(executionArn=execution["executionArn"]))[
        "status"
    ] == "RUNNING":
        assert time.monotonic() < deadline
        time.sleep(0.1)

    # Then its Lambda task reached the echo handler through moto
    assert described["status"] == "SUCCEEDED"
    assert json.loads(described["output"]) == {"echoed": {"order": "SO-1"}}


def test_resources_moto_skips_are_created_from_their_definitions(running: RunningStack) -> None:
    env = running.stack.function_env("EchoFunction")

    assert env["SCHEDULE_GROUP_NAME"] == "proxy-hub-tasks"
    assert boto3.client("scheduler").get_schedule_group(Name="proxy-hub-tasks")["State"] == "ACTIVE"
    secret = boto3.client("secretsmanager").get_secret_value(SecretId=env["CALLBACK_SECRET_NAME"])
    assert env["CALLBACK_SECRET_NAME"] == "proxy-hub/hpk/callback" and len(secret["SecretString"]) == 32
    assert env["ECHO_STATE_MACHINE_ARN"].endswith(":stateMachine:proxy-hub-EchoStateMachine")
    assert running.stack.schedule_group_names == ["proxy-hub-tasks"]
