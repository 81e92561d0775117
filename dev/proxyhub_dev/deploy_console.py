"""`make deploy`'s last step: uploads the console build to its bucket and invalidates the distribution.

The stack (from samconfig.toml's environment) names the bucket and the distribution in its outputs.
Hashed assets are cached for a year, index.html never, so a deploy shows at once; files of the
previous build that the new one no longer has are removed.
"""

import argparse
import json
import mimetypes
import time
import tomllib
from pathlib import Path
from typing import Any

import boto3

ROOT = Path(__file__).resolve().parents[2]
BUILD_DIR = ROOT / "console" / "dist"
PREFIX = "console/"
IMMUTABLE = "public, max-age=31536000, immutable"
NO_CACHE = "no-cache"


def stack_of(config_env: str) -> tuple[str, str]:
    """(stack name, region) of a samconfig.toml environment."""
    config = tomllib.loads((ROOT / "samconfig.toml").read_text())
    environment = config.get(config_env, {})
    stack_name = environment.get("global", {}).get("parameters", {}).get("stack_name")
    region = environment.get("deploy", {}).get("parameters", {}).get("region", "us-east-1")
    if not stack_name:
        raise SystemExit(f"samconfig.toml has no stack_name for environment {config_env!r}")
    return stack_name, region


def outputs_of(stack_name: str, region: str) -> dict[str, str]:
    stack = boto3.client("cloudformation", region_name=region).describe_stacks(StackName=stack_name)
    return {output["OutputKey"]: output["OutputValue"] for output in stack["Stacks"][0].get("Outputs", [])}


def console_config(outputs: dict[str, str], region: str) -> dict[str, Any]:
    """/console/config.json: how the console signs operators in (SRP against the stack's user pool)."""
    return {
        "region": region,
        "userPoolId": outputs["OperatorUserPoolId"],
        "userPoolClientId": outputs["OperatorConsoleClientId"],
        "cognitoEndpoint": None,
        "authFlow": "USER_SRP_AUTH",
    }


def upload(bucket: str, region: str, config: dict[str, Any]) -> int:
    s3 = boto3.client("s3", region_name=region)
    config_key = f"{PREFIX}config.json"
    s3.put_object(
        Bucket=bucket,
        Key=config_key,
        Body=json.dumps(config).encode(),
        ContentType="application/json",
        CacheControl=NO_CACHE,
    )
    uploaded = {config_key}
    for file in sorted(path for path in BUILD_DIR.rglob("*") if path.is_file()):
        key = PREFIX + file.relative_to(BUILD_DIR).as_posix()
        s3.upload_file(str(file), bucket, key, ExtraArgs=_object_settings(file))
        uploaded.add(key)
    stale = [key for key in _keys(s3, bucket) if key not in uploaded]
    for start in range(0, len(stale), 1000):
        s3.delete_objects(
            Bucket=bucket, Delete={"Objects": [{"Key": key} for key in stale[start : start + 1000]]}
        )
    return len(uploaded) - 1


def _object_settings(file: Path) -> dict[str, Any]:
    content_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
    cache = IMMUTABLE if file.parent.name == "assets" else NO_CACHE
    return {"ContentType": content_type, "CacheControl": cache}


def _keys(s3: Any, bucket: str) -> list[str]:
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=PREFIX)
    return [item["Key"] for page in pages for item in page.get("Contents", [])]


def invalidate(distribution_id: str, region: str) -> str:
    cloudfront = boto3.client("cloudfront", region_name=region)
    batch = {"Paths": {"Quantity": 1, "Items": ["/console/*"]}, "CallerReference": str(time.time_ns())}
    answer = cloudfront.create_invalidation(DistributionId=distribution_id, InvalidationBatch=batch)
    return str(answer["Invalidation"]["Id"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--config-env", default="default", help="the samconfig.toml environment")
    args = parser.parse_args()
    if not (BUILD_DIR / "index.html").is_file():
        raise SystemExit("console/dist is not built: run make console")
    stack_name, region = stack_of(args.config_env)
    outputs = outputs_of(stack_name, region)
    count = upload(outputs["ConsoleBucketName"], region, console_config(outputs, region))
    invalidation = invalidate(outputs["ConsoleDistributionId"], region)
    print(f"Uploaded {count} console files; invalidation {invalidation}; console at {outputs['ConsoleUrl']}")


if __name__ == "__main__":
    main()
