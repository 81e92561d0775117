"""On the local stack an export's link points at the AWS stand-in on 127.0.0.1, and a browser downloads
it from there with nothing but the link; the order search answers through the gateway."""

import csv
import io
from collections.abc import Iterator

import httpx
import pytest

from proxyhub_dev.local.runner import LocalServices, run_local_stack

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def services() -> Iterator[LocalServices]:
    with run_local_stack(hpk_port=None, onewarehouse_port=None) as running:
        yield running


def viewer(services: LocalServices) -> dict[str, str]:
    return {"Authorization": f"Bearer {services.identity.id_token('viewer@example.com')}"}


def test_a_viewer_exports_the_task_list_and_downloads_it_by_its_link_alone(services: LocalServices) -> None:
    answer = httpx.post(f"{services.api_url}/v1/exports/tasks", json={}, headers=viewer(services), timeout=30)
    assert answer.status_code == 200, answer.text
    exported = answer.json()
    assert exported["url"].startswith("http://127.0.0.1:")

    download = httpx.get(exported["url"], timeout=30)

    assert download.status_code == 200
    assert download.headers["content-disposition"] == f'attachment; filename="{exported["filename"]}"'
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"), newline="")))
    assert rows[0][:5] == ["Order No.", "Third-party No.", "Task type", "Business type", "Status"]
    assert len(rows) == exported["rows"] + 1


def test_a_viewer_searches_orders_through_the_gateway(services: LocalServices) -> None:
    for path in ("/v1/inbound-orders", "/v1/outbound-orders"):
        response = httpx.get(
            f"{services.api_url}{path}", params={"status": "pushed"}, headers=viewer(services), timeout=30
        )
        assert response.status_code == 200, response.text
        assert response.json() == {"items": [], "next_cursor": None}
