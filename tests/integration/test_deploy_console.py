"""`make deploy`'s console upload on moto: content types, cache headers, stale files removed, cache cleared."""

import json
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from proxyhub_dev import deploy_console

pytestmark = pytest.mark.integration

REGION = "us-east-1"


@pytest.fixture
def build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text("<!doctype html><title>console</title>")
    (tmp_path / "assets" / "index-abc123.js").write_text("console.log('hi')")
    monkeypatch.setattr(deploy_console, "BUILD_DIR", tmp_path)
    return tmp_path


def test_the_build_replaces_the_previous_one_with_the_right_headers(build: Path) -> None:
    with mock_aws():
        s3 = boto3.client("s3", region_name=REGION)
        s3.create_bucket(Bucket="console-bucket")
        s3.put_object(Bucket="console-bucket", Key="console/assets/index-old.js", Body=b"old")

        outputs = {"OperatorUserPoolId": "us-east-1_pool", "OperatorConsoleClientId": "client"}
        count = deploy_console.upload(
            "console-bucket", REGION, deploy_console.console_config(outputs, REGION)
        )

        keys = {item["Key"] for item in s3.list_objects_v2(Bucket="console-bucket")["Contents"]}
        assert count == 2
        assert keys == {"console/index.html", "console/assets/index-abc123.js", "console/config.json"}
        config = json.loads(s3.get_object(Bucket="console-bucket", Key="console/config.json")["Body"].read())
        assert config == {
            "region": REGION,
            "userPoolId": "us-east-1_pool",
            "userPoolClientId": "client",
            "cognitoEndpoint": None,
            "authFlow": "USER_SRP_AUTH",
        }
        page = s3.head_object(Bucket="console-bucket", Key="console/index.html")
        asset = s3.head_object(Bucket="console-bucket", Key="console/assets/index-abc123.js")
    assert (page["ContentType"], page["CacheControl"]) == ("text/html", "no-cache")
    assert asset["ContentType"] in ("text/javascript", "application/javascript")
    assert asset["CacheControl"] == "public, max-age=31536000, immutable"


def test_the_console_paths_are_invalidated() -> None:
    with mock_aws():
        cloudfront = boto3.client("cloudfront", region_name=REGION)
        origin = {
            "Id": "files",
            "DomainName": "b.s3.amazonaws.com",
            "S3OriginConfig": {"OriginAccessIdentity": ""},
        }
        behaviour = {"TargetOriginId": "files", "ViewerProtocolPolicy": "redirect-to-https"}
        config = {
            "CallerReference": "test",
            "Origins": {"Quantity": 1, "Items": [origin]},
            "DefaultCacheBehavior": behaviour,
            "Comment": "",
            "Enabled": True,
        }
        distribution_id = cloudfront.create_distribution(DistributionConfig=config)["Distribution"]["Id"]

        invalidation_id = deploy_console.invalidate(distribution_id, REGION)

        invalidation = cloudfront.get_invalidation(DistributionId=distribution_id, Id=invalidation_id)
    assert invalidation["Invalidation"]["InvalidationBatch"]["Paths"]["Items"] == ["/console/*"]


def test_the_stack_comes_from_the_samconfig_environment() -> None:
    assert deploy_console.stack_of("default") == ("proxy-hub", "us-east-1")
    with pytest.raises(SystemExit, match="no stack_name"):
        deploy_console.stack_of("nowhere")
