"""Deploys template.yaml into moto: what `sam package` + `sam deploy` do in AWS, without Docker.

The SAM translator turns the template into CloudFormation and moto's CloudFormation creates what
it supports. The gaps are closed here, narrowly and generically (by resource type, never by name).
"""

import io
import json
import zipfile
from dataclasses import dataclass
from typing import Any

import boto3
from samtranslator.translator.transform import transform
from samtranslator.yaml_helper import yaml_parse

from proxyhub_dev.local.direct_resources import (
    DirectResource,
    create_direct_resource,
    plan_direct_resources,
)
from proxyhub_dev.local.intrinsics import pseudo_parameters, resolve_string, substitute_references
from proxyhub_dev.local.template import SamTemplate

MOTO_ACCOUNT_ID = "123456789012"
CODE_BUCKET = "proxyhub-local-code"
CODE_KEY = "placeholder.zip"
_OUTPUT_PREFIX = "LocalDirectResource"

# moto's `Ref` of these types returns its internal object instead of the value AWS documents.
_REF_IS_PROPERTY = {"AWS::Events::EventBus": "Name"}
# What the local stack stands in for itself: the edge in front of the console (the gateway serves the
# console on the API's origin) and the operators' user pool (`local/identity.py` makes it in moto).
# Resources that refer to these (the bucket policy naming the distribution) and outputs go with them.
_STOOD_IN_FOR_LOCALLY = frozenset(
    {
        "AWS::CloudFront::Distribution",
        "AWS::CloudFront::Function",
        "AWS::CloudFront::OriginAccessControl",
        "AWS::Cognito::UserPool",
        "AWS::Cognito::UserPoolClient",
        "AWS::Cognito::UserPoolGroup",
    }
)


@dataclass(frozen=True)
class DeployedStack:
    stack_name: str
    # Logical id -> physical id (what `Ref` returns), for stack and directly created resources.
    physical_ids: dict[str, str]
    direct_resources: list[DirectResource]
    # Logical id -> type of what neither moto nor the deployer creates (e.g. the HTTP API itself).
    skipped_resources: dict[str, str]


class _BundledPolicies:
    """The translator asks for AWS managed policies by name; its bundled map is enough locally."""

    def load(self) -> dict[str, str]:
        return {}


def deploy_template(template: SamTemplate, stack_name: str, region: str) -> DeployedStack:
    """Needs AWS_ENDPOINT_URL and credentials pointing at moto (LocalStack sets them)."""
    variables = {**pseudo_parameters(stack_name, region, MOTO_ACCOUNT_ID), **template.parameter_defaults()}
    cloudformation = _without_edge(_translate(_package(template, _upload_placeholder_code())))
    ref_fixes = _moto_ref_fixes(cloudformation, variables)
    cloudformation = substitute_references(cloudformation, ref_fixes)
    direct = plan_direct_resources(cloudformation["Resources"], variables)
    cloudformation = _hand_over_direct_resources(cloudformation, direct)
    outputs = _create_stack(stack_name, cloudformation)
    created = [
        resource
        for resource in direct
        if create_direct_resource(resource, json.loads(outputs[_OUTPUT_PREFIX + resource.logical_id]))
    ]
    physical_ids = {**_physical_ids(stack_name), **ref_fixes}
    physical_ids.update({resource.logical_id: resource.name for resource in created})
    skipped = {
        logical_id: resource["Type"]
        for logical_id, resource in cloudformation["Resources"].items()
        if logical_id not in physical_ids
    }
    skipped.update(
        {resource.logical_id: resource.resource_type for resource in direct if resource not in created}
    )
    return DeployedStack(stack_name, physical_ids, created, skipped)


def _create_stack(stack_name: str, cloudformation: dict[str, Any]) -> dict[str, str]:
    """Creates the stack (moto creates it synchronously) and returns its outputs."""
    client = boto3.client("cloudformation")
    client.create_stack(
        StackName=stack_name,
        TemplateBody=json.dumps(cloudformation),
        Capabilities=["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"],
    )
    stack = client.describe_stacks(StackName=stack_name)["Stacks"][0]
    return {output["OutputKey"]: output["OutputValue"] for output in stack.get("Outputs", [])}


def _upload_placeholder_code() -> str:
    """Code runs in this process, not in moto; moto only needs a zip it can fetch from S3."""
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as placeholder:
        placeholder.writestr("README.txt", "Local stack: the handlers run from the source tree.\n")
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket=CODE_BUCKET)
    s3.put_object(Bucket=CODE_BUCKET, Key=CODE_KEY, Body=archive.getvalue())
    return f"s3://{CODE_BUCKET}/{CODE_KEY}"


def _package(template: SamTemplate, code_location: str) -> dict[str, Any]:
    """Local CodeUri/ContentUri become the uploaded zip; local state machine definitions are inlined."""
    document = template.document()
    sections = [document.get("Globals", {}).get("Function", {})]
    sections += [resource.get("Properties", {}) for resource in document.get("Resources", {}).values()]
    for properties in sections:
        for key in ("CodeUri", "ContentUri"):
            if isinstance(properties.get(key), str) and not properties[key].startswith("s3://"):
                properties[key] = code_location
        definition_uri = properties.get("DefinitionUri")
        if isinstance(definition_uri, str) and not definition_uri.startswith("s3://"):
            properties["Definition"] = yaml_parse((template.directory / definition_uri).read_text())
            del properties["DefinitionUri"]
    return document


def _translate(document: dict[str, Any]) -> dict[str, Any]:
    return dict(transform(document, {}, _BundledPolicies()))


def _without_edge(cloudformation: dict[str, Any]) -> dict[str, Any]:
    resources = dict(cloudformation["Resources"])
    removed = {logical_id for logical_id, r in resources.items() if r["Type"] in _STOOD_IN_FOR_LOCALLY}
    while True:
        referring = {logical_id for logical_id in resources if _refers_to(resources[logical_id], removed)}
        if referring <= removed:
            break
        removed |= referring
    outputs = {
        name: output
        for name, output in cloudformation.get("Outputs", {}).items()
        if not _refers_to(output, removed)
    }
    kept = {logical_id: r for logical_id, r in resources.items() if logical_id not in removed}
    return {**cloudformation, "Resources": kept, "Outputs": outputs}


def _refers_to(node: Any, logical_ids: set[str]) -> bool:
    """Whether a Ref, GetAtt or Sub in `node` names one of `logical_ids`."""
    text = json.dumps(node)
    return any(
        f'"Ref": "{logical_id}"' in text
        or f'"Fn::GetAtt": ["{logical_id}"' in text
        or f'"Fn::GetAtt": "{logical_id}.' in text
        or f"${{{logical_id}}}" in text
        or f"${{{logical_id}." in text
        for logical_id in logical_ids
    )


def _moto_ref_fixes(cloudformation: dict[str, Any], variables: dict[str, Any]) -> dict[str, str]:
    return {
        logical_id: resolve_string(resource["Properties"][_REF_IS_PROPERTY[resource["Type"]]], variables)
        for logical_id, resource in cloudformation["Resources"].items()
        if resource.get("Type") in _REF_IS_PROPERTY
    }


def _hand_over_direct_resources(
    cloudformation: dict[str, Any], direct: list[DirectResource]
) -> dict[str, Any]:
    """Takes direct resources out of the stack; an Output per resource gets moto to resolve its properties."""
    references = {key: value for resource in direct for key, value in resource.references.items()}
    removed = {resource.logical_id for resource in direct}
    resources = {
        logical_id: _without_dependencies_on(resource, removed)
        for logical_id, resource in cloudformation["Resources"].items()
        if logical_id not in removed
    }
    outputs = dict(cloudformation.get("Outputs", {}))
    for resource in direct:
        outputs[_OUTPUT_PREFIX + resource.logical_id] = {"Value": {"Fn::ToJsonString": resource.properties}}
    return substitute_references({**cloudformation, "Resources": resources, "Outputs": outputs}, references)


def _without_dependencies_on(resource: dict[str, Any], removed: set[str]) -> dict[str, Any]:
    depends_on = resource.get("DependsOn")
    if depends_on is None:
        return resource
    names = [depends_on] if isinstance(depends_on, str) else depends_on
    return {**resource, "DependsOn": [name for name in names if name not in removed]}


def _physical_ids(stack_name: str) -> dict[str, str]:
    pages = (
        boto3.client("cloudformation").get_paginator("list_stack_resources").paginate(StackName=stack_name)
    )
    return {
        summary["LogicalResourceId"]: summary.get("PhysicalResourceId", "")
        for page in pages
        for summary in page["StackResourceSummaries"]
        if summary["LogicalResourceId"]
    }
