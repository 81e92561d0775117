"""docs/operations.md stays the runbook the template and the console point at: every alarm's entry,
every message operators see with an entry of its own, every link of its contents resolving."""

import re
from pathlib import Path

import pytest
from samtranslator.yaml_helper import yaml_parse

from proxyhub.models.config import DEFECTIVE_LOCATION_MISSING, PUTAWAY_LOCATION_MISSING
from proxyhub.orders.inbound_flow import CUSTOMER_NOT_OPEN
from proxyhub.orders.service import DROP_SHIPPING_NOT_CANCELLABLE

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
RUNBOOK = (ROOT / "docs" / "operations.md").read_text()
ANCHORS = set(re.findall(r'<a id="([a-z0-9-]+)"></a>', RUNBOOK))
HEADINGS = re.findall(r"^#{2,3} (.+)$", RUNBOOK, flags=re.MULTILINE)


def test_every_link_of_the_contents_names_an_anchor_and_anchors_are_unique() -> None:
    linked = set(re.findall(r"\]\(#([a-z0-9-]+)\)", RUNBOOK))
    assert linked <= ANCHORS
    assert len(re.findall(r'<a id="', RUNBOOK)) == len(ANCHORS)


def test_every_alarm_names_an_entry_of_the_alarms_section() -> None:
    resources = yaml_parse((ROOT / "template.yaml").read_text())["Resources"]
    alarms = {name: r for name, r in resources.items() if r["Type"] == "AWS::CloudWatch::Alarm"}
    alarm_headings = [heading for heading in HEADINGS if re.match(r"3\.\d+ ", heading)]
    for name, alarm in alarms.items():
        description = str(alarm["Properties"]["AlarmDescription"])
        entry = re.search(r"runbook, alarm (\w+)", description)
        assert entry, f"{name} names no runbook entry"
        assert any(heading.split(" ", 2)[1] == entry.group(1) for heading in alarm_headings), entry.group(1)


@pytest.mark.parametrize(
    "message",
    [
        PUTAWAY_LOCATION_MISSING,
        DEFECTIVE_LOCATION_MISSING,
        CUSTOMER_NOT_OPEN,
        "System configuration error",
        "SKU sync failed",
        "Received, not put away",
        "HPK rejected the data",
        "HPK code",
        "consecutive failures",
        "Retries exhausted",
        "Shipped, stock not deducted",
        "Proxy warehouse exception",
        "Waybill not fetched yet",
        "Unexpected error",
        "Cancel rejected by the proxy warehouse",
    ],
)
def test_each_operator_facing_message_has_an_entry(message: str) -> None:
    assert any(message in heading for heading in HEADINGS), message


def test_the_seeds_four_messages_keep_the_seeds_wording_and_shape() -> None:
    for message in (
        PUTAWAY_LOCATION_MISSING,
        CUSTOMER_NOT_OPEN,
        "System configuration error",
        "SKU sync failed",
    ):
        entry = next(
            section for section in RUNBOOK.split("\n### ") if section.split("\n")[0].find(message) >= 0
        )
        assert "Cause:" in entry and "Resolution:" in entry and "  1. " in entry, message
    assert DROP_SHIPPING_NOT_CANCELLABLE in RUNBOOK


@pytest.mark.parametrize(
    "procedure",
    [
        "replay-the-dead-letter-queue",
        "rotate-hpk-password",
        "rotate-onewarehouse-keys",
        "rotate-hpk-callback-secret",
        "switch-onewarehouse-to-production",
    ],
)
def test_the_procedures_are_there(procedure: str) -> None:
    assert procedure in ANCHORS
