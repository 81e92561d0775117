"""The race and soak benches at CI size: 20 tasks x 200 concurrent triggers, and 50 randomized flows
against HPK faults. The benches themselves (bench/race.py, bench/soak.py) run larger and print."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from race import run_race
from soak import run_soak

pytestmark = pytest.mark.integration


@pytest.mark.timeout(600)
def test_20_tasks_under_200_concurrent_triggers_each_push_once_and_book_stock_once() -> None:
    report = run_race(tasks=20, triggers=200, workers=32)

    print("\n".join(report.lines()))
    assert report.duplicate_pushes == 0 and set(report.hpk_inbounds_per_order) == {1}
    assert report.double_stock == 0 and report.missing_stock == 0
    assert report.max_concurrent_runs == 1
    # Every burst ran every task; the putaway burst's first run ends the task, unless HPK's rate limit
    # held that run back (it waits, then one more run finishes it).
    assert all(min(runs) >= 1 for runs in report.runs_per_burst.values())
    assert max(report.runs_per_burst["putaway"]) <= 2
    assert report.unfinished_tasks == 0


@pytest.mark.timeout(600)
def test_50_flows_against_hpk_faults_leave_the_ledger_equal_to_hpk() -> None:
    report = run_soak(flows=50, fault_rate=0.3, seed=14)

    print("\n".join(report.lines()))
    assert sum(report.faults.values()) > 0
    assert report.mismatched_batches == [] and report.ledger_units == report.hpk_units
    assert report.unfinished == [] and report.manual_without_reason == 0
