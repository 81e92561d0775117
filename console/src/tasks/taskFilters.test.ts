import { describe, expect, it } from 'vitest';
import type { OverviewMetric } from '../api/types';
import {
  readTaskFilter,
  toListQuery,
  toOverviewQuery,
  withCardFilter,
  withFormFilter,
  withoutCardFilter,
} from './taskFilters';

const backlog: OverviewMetric = {
  key: 'backlog',
  label: 'Backlog',
  count: 3,
  colour: 'yellow',
  filter: { status: 'pending,waiting' },
};
const succeededToday: OverviewMetric = {
  key: 'success_today',
  label: 'Succeeded today (UTC)',
  count: 9,
  colour: 'blue',
  filter: { status: 'success', updated_from: '2026-06-04' },
};

describe('task filters in the URL', () => {
  it('reads the list query from the URL, overdue as a boolean', () => {
    const params = new URLSearchParams(
      'status=pending,waiting&warehouse_code=GW-LA&overdue=true&card=overdue&junk=1',
    );

    expect(toListQuery(readTaskFilter(params))).toEqual({
      status: 'pending,waiting',
      warehouse_code: 'GW-LA',
      overdue: true,
    });
  });

  it('leaves the status and the card-only filters out of the overview query', () => {
    const params = new URLSearchParams(
      'status=manual&task_type=create&order_no=IN-1&updated_from=2026-06-04',
    );

    expect(toOverviewQuery(readTaskFilter(params))).toEqual({ task_type: 'create' });
  });

  it('replaces one card filter with the next and keeps the other filters', () => {
    const afterSuccess = withCardFilter(new URLSearchParams('warehouse_code=GW-LA'), succeededToday);
    const afterBacklog = withCardFilter(afterSuccess, backlog);

    expect(afterBacklog.toString()).toBe('warehouse_code=GW-LA&status=pending%2Cwaiting&card=backlog');
    expect(withoutCardFilter(afterBacklog, Object.keys(backlog.filter)).toString()).toBe(
      'warehouse_code=GW-LA',
    );
  });

  it('keeps a card filter when Search leaves its status alone, and drops it when the status changes', () => {
    const carded = withCardFilter(new URLSearchParams(), succeededToday);

    const narrowed = withFormFilter(carded, { status: 'success', warehouse_code: 'GW-LA' });
    expect(Object.fromEntries(narrowed)).toEqual({
      status: 'success',
      updated_from: '2026-06-04',
      card: 'success_today',
      warehouse_code: 'GW-LA',
    });

    const replaced = withFormFilter(carded, { status: 'manual' });
    expect(Object.fromEntries(replaced)).toEqual({ status: 'manual' });
  });
});
