"""The shared moto trims keep DynamoDB's semantics: paging in both directions, range conditions,
all-or-nothing transactions, and concurrent requests without internal errors."""

import threading
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from proxyhub_dev.local.moto_trims import apply_moto_trims, internal_errors

pytestmark = pytest.mark.integration

TABLE = "trimmed"


@pytest.fixture
def dynamodb() -> Iterator[Any]:
    apply_moto_trims()
    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        client.create_table(
            TableName=TABLE,
            BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "sk", "AttributeType": "S"},
            ],
            KeySchema=[
                {"AttributeName": "pk", "KeyType": "HASH"},
                {"AttributeName": "sk", "KeyType": "RANGE"},
            ],
        )
        yield client


def put(client: Any, pk: str, sk: str, quantity: int = 1) -> None:
    client.put_item(TableName=TABLE, Item={"pk": {"S": pk}, "sk": {"S": sk}, "q": {"N": str(quantity)}})


def all_pages(client: Any, limit: int, forward: bool = True, **extra: Any) -> list[str]:
    keys: list[str] = []
    start: dict[str, Any] | None = None
    while True:
        page = client.query(
            TableName=TABLE,
            KeyConditionExpression=extra.pop("condition", "pk = :p"),
            ExpressionAttributeValues={":p": {"S": "P"}, **extra.pop("values", {})},
            Limit=limit,
            ScanIndexForward=forward,
            **({"ExclusiveStartKey": start} if start else {}),
        )
        keys.extend(item["sk"]["S"] for item in page["Items"])
        start = page.get("LastEvaluatedKey")
        if start is None:
            return keys


def test_pages_follow_the_key_order_both_ways_while_the_partition_changes(dynamodb: Any) -> None:
    # Given a partition written out of order, beside another partition
    for n in (5, 3, 9, 1, 7, 2, 8, 4, 6, 10):
        put(dynamodb, "P", f"k{n:02d}")
        put(dynamodb, "Q", f"k{n:02d}")
    expected = [f"k{n:02d}" for n in range(1, 11)]

    # Then every page size reads it whole, in order, forwards and backwards
    for limit in (1, 3, 4, 100):
        assert all_pages(dynamodb, limit) == expected
        assert all_pages(dynamodb, limit, forward=False) == expected[::-1]

    # And a change between two reads is seen by the next one
    put(dynamodb, "P", "k00")
    dynamodb.delete_item(TableName=TABLE, Key={"pk": {"S": "P"}, "sk": {"S": "k05"}})
    assert all_pages(dynamodb, 3) == ["k00", *[key for key in expected if key != "k05"]]


def test_range_conditions_still_apply(dynamodb: Any) -> None:
    for n in range(1, 21):
        put(dynamodb, "P", f"A#{n:02d}" if n % 2 else f"B#{n:02d}")
    found = all_pages(
        dynamodb, 3, condition="pk = :p AND begins_with(sk, :prefix)", values={":prefix": {"S": "B#"}}
    )
    assert found == [f"B#{n:02d}" for n in range(2, 21, 2)]


def test_a_failed_transaction_changes_nothing(dynamodb: Any) -> None:
    # Given one item, and a transaction whose second item fails its condition
    put(dynamodb, "P", "a", quantity=1)
    add_one = {
        "Update": {
            "TableName": TABLE,
            "Key": {"pk": {"S": "P"}, "sk": {"S": "a"}},
            "UpdateExpression": "ADD q :one",
            "ExpressionAttributeValues": {":one": {"N": "1"}},
        }
    }
    refused = {
        "Put": {
            "TableName": TABLE,
            "Item": {"pk": {"S": "P"}, "sk": {"S": "b"}},
            "ConditionExpression": "attribute_exists(pk)",
        }
    }
    with pytest.raises(dynamodb.exceptions.TransactionCanceledException):
        dynamodb.transact_write_items(TransactItems=[add_one, refused])

    # Then the first item's change was rolled back and the second was never written
    assert all_pages(dynamodb, 10) == ["a"]
    item = dynamodb.get_item(TableName=TABLE, Key={"pk": {"S": "P"}, "sk": {"S": "a"}})["Item"]
    assert item["q"] == {"N": "1"}


def test_concurrent_writers_and_readers_meet_no_internal_error(dynamodb: Any) -> None:
    errors_before = len(internal_errors())
    failures: list[BaseException] = []

    def work(worker: int) -> None:
        try:
            for n in range(40):
                put(dynamodb, "P", f"w{worker}-{n:03d}")
                all_pages(dynamodb, 25)
        except BaseException as error:  # pragma: no cover - reported below
            failures.append(error)

    threads = [threading.Thread(target=work, args=(worker,)) for worker in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert len(all_pages(dynamodb, 1000)) == 160
    assert internal_errors()[errors_before:] == []
