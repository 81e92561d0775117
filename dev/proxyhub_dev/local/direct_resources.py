"""Resources moto's CloudFormation skips, created through the service APIs from their definitions.

moto's CloudFormation skips schedule groups, schedules and secrets, creates state machines in a
backend that never executes them, and creates SSM parameters with `${...}` left in values that name a
resource it skipped. So the deployer takes these resources out of the stack and:
1. before `create_stack`, resolves each one's physical name and predicts its `Ref`/`GetAtt` values,
   which the rest of the stack (e.g. a function's environment) then receives as literals;
2. lets moto resolve their properties, which may refer to stack resources, through stack Outputs;
3. after `create_stack`, creates them with those resolved properties, except a parameter whose value
   still names a resource the local stack does not deploy (it is reported as not created).
"""

import json
import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import boto3

from proxyhub_dev.local.intrinsics import resolve_string

log = logging.getLogger(__name__)

SCHEDULE_GROUP = "AWS::Scheduler::ScheduleGroup"
SCHEDULE = "AWS::Scheduler::Schedule"
SECRET = "AWS::SecretsManager::Secret"
STATE_MACHINE = "AWS::StepFunctions::StateMachine"
SSM_PARAMETER = "AWS::SSM::Parameter"
_UNRESOLVED = re.compile(r"\$\{[^}]+\}")

# Scheduler API parameters that CloudFormation spells the same way.
_SCHEDULE_PARAMETERS = (
    "Description",
    "ScheduleExpression",
    "ScheduleExpressionTimezone",
    "FlexibleTimeWindow",
    "Target",
    "State",
    "StartDate",
    "EndDate",
    "KmsKeyArn",
)


@dataclass(frozen=True)
class DirectResource:
    logical_id: str
    resource_type: str
    name: str
    # Unresolved, as in the translated template: moto resolves them through a stack Output.
    properties: dict[str, Any]
    # What `Ref` ("LogicalId") and `Fn::GetAtt` ("LogicalId.Attr") return for this resource.
    references: dict[str, str]


@dataclass(frozen=True)
class _Kind:
    name_property: str
    references: Callable[[str, str, dict[str, Any], Mapping[str, Any]], dict[str, str]]
    # Returns False when the resource cannot exist locally (logged); None or True when created.
    create: Callable[[str, dict[str, Any]], bool | None]


def plan_direct_resources(
    resources: Mapping[str, dict[str, Any]], variables: Mapping[str, Any]
) -> list[DirectResource]:
    """The resources to create through the API, in creation order (groups before their schedules)."""
    known = dict(variables)
    planned = []
    for resource_type, kind in _KINDS.items():
        for logical_id, resource in resources.items():
            if resource.get("Type") != resource_type:
                continue
            properties = resource.get("Properties", {})
            default_name = f"{variables['AWS::StackName']}-{logical_id}"
            name = resolve_string(properties.get(kind.name_property, default_name), known)
            references = kind.references(logical_id, name, properties, known)
            known.update(references)
            planned.append(DirectResource(logical_id, resource_type, name, properties, references))
    return planned


def create_direct_resource(resource: DirectResource, resolved_properties: dict[str, Any]) -> bool:
    """Whether the resource now exists locally."""
    return _KINDS[resource.resource_type].create(resource.name, resolved_properties) is not False


def _arn(service: str, variables: Mapping[str, Any], resource: str) -> str:
    return f"arn:aws:{service}:{variables['AWS::Region']}:{variables['AWS::AccountId']}:{resource}"


# ---------------------------------------------------------------- schedule groups


def _schedule_group_references(
    logical_id: str, name: str, _: dict[str, Any], variables: Mapping[str, Any]
) -> dict[str, str]:
    return {logical_id: name, f"{logical_id}.Arn": _arn("scheduler", variables, f"schedule-group/{name}")}


def _create_schedule_group(name: str, _: dict[str, Any]) -> None:
    boto3.client("scheduler").create_schedule_group(Name=name)


# ---------------------------------------------------------------- schedules


def _schedule_references(
    logical_id: str, name: str, properties: dict[str, Any], variables: Mapping[str, Any]
) -> dict[str, str]:
    group = resolve_string(properties.get("GroupName", "default"), variables)
    return {logical_id: name, f"{logical_id}.Arn": _arn("scheduler", variables, f"schedule/{group}/{name}")}


def _create_schedule(name: str, properties: dict[str, Any]) -> None:
    arguments = {key: properties[key] for key in _SCHEDULE_PARAMETERS if key in properties}
    boto3.client("scheduler").create_schedule(
        Name=name, GroupName=properties.get("GroupName", "default"), **arguments
    )


# ---------------------------------------------------------------- secrets


def _secret_references(
    logical_id: str, name: str, _: dict[str, Any], __: Mapping[str, Any]
) -> dict[str, str]:
    # AWS returns the ARN, whose random suffix is unknown before creation; every Secrets Manager
    # call accepts the name as SecretId, so the name stands in for it locally.
    return {logical_id: name, f"{logical_id}.Id": name}


def _create_secret(name: str, properties: dict[str, Any]) -> None:
    client = boto3.client("secretsmanager")
    value = properties.get("SecretString")
    if value is None:
        value = _generated_secret_string(properties.get("GenerateSecretString", {}))
    client.create_secret(Name=name, Description=properties.get("Description", ""), SecretString=value)


def _generated_secret_string(spec: dict[str, Any]) -> str:
    options = {
        key: spec[key]
        for key in ("PasswordLength", "ExcludeCharacters", "ExcludePunctuation", "IncludeSpace")
        if key in spec
    }
    password = boto3.client("secretsmanager").get_random_password(**options)["RandomPassword"]
    if "SecretStringTemplate" not in spec:
        return password
    document = json.loads(spec["SecretStringTemplate"])
    document[spec["GenerateStringKey"]] = password
    return json.dumps(document)


# ---------------------------------------------------------------- state machines


def _state_machine_references(
    logical_id: str, name: str, _: dict[str, Any], variables: Mapping[str, Any]
) -> dict[str, str]:
    arn = _arn("states", variables, f"stateMachine:{name}")
    return {logical_id: arn, f"{logical_id}.Arn": arn, f"{logical_id}.Name": name}


def _create_state_machine(name: str, properties: dict[str, Any]) -> None:
    definition = properties.get("DefinitionString") or json.dumps(properties["Definition"])
    for key, value in properties.get("DefinitionSubstitutions", {}).items():
        definition = definition.replace(f"${{{key}}}", str(value))
    boto3.client("stepfunctions").create_state_machine(
        name=name,
        definition=definition,
        roleArn=properties["RoleArn"],
        type=properties.get("StateMachineType", "STANDARD"),
    )


# ---------------------------------------------------------------- SSM parameters


def _parameter_references(
    logical_id: str, name: str, _: dict[str, Any], __: Mapping[str, Any]
) -> dict[str, str]:
    return {logical_id: name, f"{logical_id}.Type": "String"}


def _create_parameter(name: str, properties: dict[str, Any]) -> bool:
    value = str(properties.get("Value", ""))
    if unresolved := _UNRESOLVED.findall(value):
        # e.g. an address on the HTTP API, which the local gateway stands in for at its own address.
        log.info("SSM parameter %s not created locally: its value names %s", name, ", ".join(unresolved))
        return False
    boto3.client("ssm").put_parameter(
        Name=name,
        Value=value,
        Type=properties.get("Type", "String"),
        Description=properties.get("Description", ""),
        Overwrite=True,
    )
    return True


_KINDS: dict[str, _Kind] = {
    SCHEDULE_GROUP: _Kind("Name", _schedule_group_references, _create_schedule_group),
    SECRET: _Kind("Name", _secret_references, _create_secret),
    STATE_MACHINE: _Kind("StateMachineName", _state_machine_references, _create_state_machine),
    SCHEDULE: _Kind("Name", _schedule_references, _create_schedule),
    SSM_PARAMETER: _Kind("Name", _parameter_references, _create_parameter),
}
