import { describe, expect, it } from 'vitest';
import { anOverview, aTask } from '../test/fixtures';
import { bulkSyncNowLabel, bulkSyncNowQuestion, countMatchingTasks } from './bulkSyncNow';
import { toFilterBody } from './taskFilters';

const morePages = { items: [aTask(), aTask()], next_cursor: 'c-2' };

describe('how many tasks a filter matches', () => {
  it('is the first page when the whole list fits on it', () => {
    const onePage = { items: [aTask(), aTask(), aTask()], next_cursor: null };
    expect(countMatchingTasks({ warehouse_code: 'GW-LA' }, { firstPage: onePage })).toBe(3);
  });

  it('is the count of the overview card with exactly this status, in any order', () => {
    const overview = anOverview();
    expect(countMatchingTasks({ status: 'manual' }, { firstPage: morePages, overview })).toBe(2);
    expect(countMatchingTasks({ status: 'waiting,pending', task_type: 'create' }, { overview })).toBe(4);
    expect(countMatchingTasks({ overdue: 'true' }, { overview })).toBe(1);
    expect(countMatchingTasks({ status: 'success', updated_from: '2026-06-04' }, { overview })).toBe(9);
  });

  it('is unknown when no card has this filter, the list goes on, or the counts are approximate', () => {
    const overview = anOverview();
    expect(countMatchingTasks({ warehouse_code: 'GW-LA' }, { firstPage: morePages, overview })).toBeNull();
    expect(countMatchingTasks({ status: 'manual,running' }, { overview })).toBeNull();
    expect(countMatchingTasks({ status: 'success' }, { overview })).toBeNull();
    // The overview does not count by order number.
    expect(countMatchingTasks({ status: 'manual', order_no: 'IN-1' }, { overview })).toBeNull();
    expect(
      countMatchingTasks({ status: 'manual' }, { overview: anOverview({ approximate: true }) }),
    ).toBeNull();
    expect(countMatchingTasks({ status: 'manual' }, {})).toBeNull();
  });

  it('says so in the button and the question', () => {
    expect(bulkSyncNowLabel(12)).toBe('Sync Now (12)');
    expect(bulkSyncNowLabel(null)).toBe('Sync Now (all matching)');
    expect(bulkSyncNowQuestion(12)).toBe('Run Sync Now on 12 tasks?');
    expect(bulkSyncNowQuestion(1)).toBe('Run Sync Now on 1 task?');
    expect(bulkSyncNowQuestion(null)).toBe('Run Sync Now on all matching tasks?');
  });
});

describe('the filter as a body', () => {
  it('has the statuses as a list and overdue as a boolean', () => {
    expect(
      toFilterBody({ status: 'pending,waiting', warehouse_code: 'GW-LA', overdue: 'true', order_no: 'IN-1' }),
    ).toEqual({ status: ['pending', 'waiting'], warehouse_code: 'GW-LA', overdue: true, order_no: 'IN-1' });
    expect(toFilterBody({ business_type: 'inbound' })).toEqual({ business_type: 'inbound', overdue: false });
  });
});
