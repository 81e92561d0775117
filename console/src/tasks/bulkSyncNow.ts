import type { Overview, OverviewMetric } from '../api/types';
import type { TaskFilter } from './taskFilters';

/** What bulk Sync Now takes from one filter (`POST /v1/tasks/sync-now` caps it). */
export const BULK_SYNC_NOW_LIMIT = 500;

/** Filters the overview counts leave to the list, so they are what picks the card. */
const CARD_KEYS = ['status', 'overdue', 'updated_from'] as const;

interface CountSources {
  /** The list's first page, when it is the one on screen and current. */
  firstPage?: { items: unknown[]; next_cursor: string | null };
  /** The overview for the same filters, when current. */
  overview?: Overview;
}

/**
 * How many tasks `filter` matches, or null when the page cannot know (the list has no totals):
 * exact when the whole list fits on its first page, or when the overview has a card for exactly this
 * status (with the same warehouse, types and created range, which the overview counts by too).
 */
export function countMatchingTasks(filter: TaskFilter, { firstPage, overview }: CountSources): number | null {
  if (firstPage && !firstPage.next_cursor) return firstPage.items.length;
  // The overview does not count by order number, and an approximate count is not a count.
  if (!overview || overview.approximate || filter.order_no) return null;
  const card = [...overview.primary, ...overview.secondary].find((metric) => sameCardFilter(metric, filter));
  return card ? card.count : null;
}

function sameCardFilter(metric: OverviewMetric, filter: TaskFilter): boolean {
  return CARD_KEYS.every((key) => {
    const want = filter[key] ?? '';
    const has = metric.filter[key] ?? '';
    return key === 'status' ? sameSet(want, has) : want === has;
  });
}

function sameSet(a: string, b: string): boolean {
  const sorted = (text: string) => text.split(',').filter(Boolean).sort().join(',');
  return sorted(a) === sorted(b);
}

/** "12 submitted, 3 skipped". */
export function describeSubmission(submitted: number, skipped: number): string {
  return `${submitted} submitted, ${skipped} skipped`;
}

/** "Run Sync Now on 12 tasks?", or on "all matching tasks" when the count is unknown. */
export function bulkSyncNowQuestion(count: number | null): string {
  if (count === null) return 'Run Sync Now on all matching tasks?';
  return `Run Sync Now on ${count} ${count === 1 ? 'task' : 'tasks'}?`;
}

export function bulkSyncNowLabel(count: number | null): string {
  return `Sync Now (${count === null ? 'all matching' : count})`;
}
