"""The environments `make deploy ENV=dev|prod` deploys, and its pieces that run against AWS, on moto:
samconfig.toml names a stack, parameters, the alarm e-mail and log retention for each; the Makefile
builds, deploys and uploads the console for the one named; inviting the first admin works."""

import shlex
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws
from samtranslator.yaml_helper import yaml_parse

from proxyhub_dev import deploy_console, operator_users

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
REGION = "us-east-1"


def samconfig() -> dict[str, Any]:
    return tomllib.loads((ROOT / "samconfig.toml").read_text())


def overrides(environment: str) -> dict[str, str]:
    text = samconfig()[environment]["deploy"]["parameters"]["parameter_overrides"]
    return dict(pair.split("=", 1) for pair in shlex.split(text))


@pytest.mark.parametrize(("environment", "retention"), [("dev", "7"), ("prod", "90")])
def test_each_environment_names_its_stack_parameters_alarm_email_and_log_retention(
    environment: str, retention: str
) -> None:
    parameters = yaml_parse((ROOT / "template.yaml").read_text())["Parameters"]
    chosen = overrides(environment)

    assert deploy_console.stack_of(environment) == (f"proxy-hub-{environment}", REGION)
    assert chosen["LogRetentionDays"] == retention
    assert int(retention) in parameters["LogRetentionDays"]["AllowedValues"]
    assert "@" in chosen["AlarmEmail"]
    assert set(chosen) <= set(parameters), "an override names no template parameter"
    deploy = samconfig()[environment]["deploy"]["parameters"]
    assert deploy["capabilities"] == "CAPABILITY_IAM" and deploy["fail_on_empty_changeset"] is False


def test_production_changes_wait_for_a_yes() -> None:
    assert samconfig()["prod"]["deploy"]["parameters"]["confirm_changeset"] is True


def make_dry_run(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["make", "-n", "--always-make", *arguments],
        check=False,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize("environment", ["dev", "prod"])
def test_make_deploy_builds_deploys_the_environment_and_uploads_its_console(environment: str) -> None:
    plan = make_dry_run("deploy", f"ENV={environment}")

    assert plan.returncode == 0, plan.stderr
    commands = plan.stdout.splitlines()
    build = next(i for i, line in enumerate(commands) if "sam build" in line)
    deploy = next(i for i, line in enumerate(commands) if f"sam deploy --config-env {environment}" in line)
    upload = next(
        i for i, line in enumerate(commands) if f"deploy_console --config-env {environment}" in line
    )
    assert build < deploy < upload
    assert any("npm run build" in line for line in commands[:deploy])


def test_make_deploy_refuses_an_environment_samconfig_does_not_have() -> None:
    plan = make_dry_run("deploy", "ENV=staging")

    assert plan.returncode != 0
    assert 'ENV must be dev or prod (an environment of samconfig.toml), not "staging"' in plan.stderr


def test_the_first_admin_is_invited_into_the_admin_group_and_a_second_invite_changes_only_the_role() -> None:
    with mock_aws():
        cognito = boto3.client("cognito-idp", region_name=REGION)
        pool_id = cognito.create_user_pool(PoolName="proxy-hub-prod-operators", UsernameAttributes=["email"])[
            "UserPool"
        ]["Id"]
        for role in operator_users.ROLES:
            cognito.create_group(UserPoolId=pool_id, GroupName=role)

        first = operator_users.invite(cognito, pool_id, "lead@example.com", "admin")
        again = operator_users.invite(cognito, pool_id, "lead@example.com", "operator")

        groups = cognito.admin_list_groups_for_user(UserPoolId=pool_id, Username="lead@example.com")["Groups"]
        user = cognito.admin_get_user(UserPoolId=pool_id, Username="lead@example.com")
    assert first == "invited lead@example.com (Cognito e-mails a temporary password); role admin"
    assert again == "lead@example.com already exists; role operator"
    assert [group["GroupName"] for group in groups] == ["operator"]
    assert user["UserStatus"] == "FORCE_CHANGE_PASSWORD"
    with pytest.raises(ValueError, match="role must be one of viewer, operator, admin"):
        operator_users.invite(None, pool_id, "x@example.com", "root")
