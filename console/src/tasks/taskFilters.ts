import type { paths } from '../api/schema';
import type { BusinessType, OverviewMetric, TaskFilterBody, TaskStatus, TaskType } from '../api/types';

export type TaskListQuery = NonNullable<paths['/v1/tasks']['get']['parameters']['query']>;
export type TaskOverviewQuery = NonNullable<paths['/v1/tasks/overview']['get']['parameters']['query']>;

/** The list filters, exactly as the URL query string carries them (so a filtered view is a link). */
export interface TaskFilter {
  status?: string;
  business_type?: BusinessType;
  task_type?: TaskType;
  warehouse_code?: string;
  created_from?: string;
  created_to?: string;
  order_no?: string;
  overdue?: string;
  updated_from?: string;
}

const FILTER_KEYS = [
  'status',
  'business_type',
  'task_type',
  'warehouse_code',
  'created_from',
  'created_to',
  'order_no',
  'overdue',
  'updated_from',
] as const satisfies readonly (keyof TaskFilter)[];

/** Filters only an overview card sets (the filter form has no field for them). */
const CARD_ONLY_KEYS = ['overdue', 'updated_from'] as const;

/** The URL parameter naming the overview card whose filter is applied, for the filter hint bar. */
export const CARD_PARAM = 'card';

export function readTaskFilter(params: URLSearchParams): TaskFilter {
  const filter: Record<string, string> = {};
  for (const key of FILTER_KEYS) {
    const value = params.get(key);
    if (value) filter[key] = value;
  }
  return filter as TaskFilter;
}

/** Whether any filter is set, so the list shows a subset rather than every task. */
export function isFiltered(filter: TaskFilter): boolean {
  return Object.values(filter).some(Boolean);
}

/** The same filters as a body (`TaskFilterBody`), for bulk Sync Now and the CSV export. */
export function toFilterBody(filter: TaskFilter): TaskFilterBody {
  const { status, overdue, ...rest } = filter;
  return {
    ...rest,
    ...(status ? { status: status.split(',').filter(Boolean) as TaskStatus[] } : {}),
    overdue: overdue === 'true',
  };
}

export function toListQuery(filter: TaskFilter): TaskListQuery {
  const { overdue, ...rest } = filter;
  return overdue === 'true' ? { ...rest, overdue: true } : rest;
}

/** The overview counts per status, so the status filter (and what only the list knows) stays out. */
export function toOverviewQuery(filter: TaskFilter): TaskOverviewQuery {
  const { business_type, task_type, warehouse_code, created_from, created_to } = filter;
  return dropEmpty({ business_type, task_type, warehouse_code, created_from, created_to });
}

/** Clicking a card replaces whatever an earlier card or the status field set with the card's filter. */
export function withCardFilter(params: URLSearchParams, metric: OverviewMetric): URLSearchParams {
  const next = withoutCardFilter(params);
  next.delete('status');
  for (const [key, value] of Object.entries(metric.filter)) next.set(key, value);
  next.set(CARD_PARAM, metric.key);
  return next;
}

/** Removes the card selection, what only cards set, and `cardKeys` (the keys of the card's filter). */
export function withoutCardFilter(params: URLSearchParams, cardKeys: string[] = []): URLSearchParams {
  const next = new URLSearchParams(params);
  for (const key of [...CARD_ONLY_KEYS, ...cardKeys]) next.delete(key);
  next.delete(CARD_PARAM);
  return next;
}

/**
 * The filter form's values replace their own parameters. A card filter stays while its status is
 * untouched, so a card can be narrowed down by warehouse, type or time.
 */
export function withFormFilter(params: URLSearchParams, form: TaskFilter): URLSearchParams {
  const statusChanged = (params.get('status') ?? '') !== (form.status ?? '');
  const next = statusChanged ? withoutCardFilter(params) : new URLSearchParams(params);
  for (const key of FILTER_KEYS) {
    if (CARD_ONLY_KEYS.includes(key as (typeof CARD_ONLY_KEYS)[number])) continue;
    const value = form[key];
    if (value) next.set(key, value);
    else next.delete(key);
  }
  return next;
}

function dropEmpty<T extends object>(values: T): T {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value)) as T;
}
