"""The template's DynamoDB tables (keys and GSIs), created in moto for a benchmark."""

import re
from pathlib import Path
from typing import Any

import boto3
from samtranslator.yaml_helper import yaml_parse

ROOT = Path(__file__).resolve().parents[1]


def setting_for(logical_id: str) -> str:
    """`RequestLogsTable` is named by the `REQUEST_LOGS_TABLE_NAME` setting."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", logical_id.removesuffix("Table")).upper() + "_TABLE_NAME"


def create_template_tables(prefix: str) -> dict[str, str]:
    """Creates `<prefix>-<logical id>` for each table; answers the settings' environment naming them."""
    client = boto3.client("dynamodb")
    environment = {}
    for logical_id, resource in yaml_parse((ROOT / "template.yaml").read_text())["Resources"].items():
        if resource["Type"] != "AWS::DynamoDB::Table":
            continue
        props = resource["Properties"]
        name = f"{prefix}-{logical_id}"
        args: dict[str, Any] = {
            "TableName": name,
            "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": props["AttributeDefinitions"],
            "KeySchema": props["KeySchema"],
        }
        if "GlobalSecondaryIndexes" in props:
            args["GlobalSecondaryIndexes"] = props["GlobalSecondaryIndexes"]
        client.create_table(**args)
        environment[setting_for(logical_id)] = name
    return environment
