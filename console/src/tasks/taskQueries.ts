import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useApiClient } from '../api/client';
import { unwrap } from '../api/errors';
import type { Task } from '../api/types';
import { useSyncNowFollowUp } from './syncNowFollowUp';
import { type TaskListQuery, type TaskOverviewQuery } from './taskFilters';
import { SELF_CHANGING_STATUSES } from './taskLabels';

export const TASK_PAGE_SIZE = 20;
export const SNAPSHOT_PAGE_SIZE = 50;
export const ADJUSTMENT_PAGE_SIZE = 50;
export const RUN_PAGE_SIZE = 20;
const POLL_WHILE_UNFINISHED_MS = 5_000;
const POLL_AFTER_SYNC_NOW_MS = 2_000;
const OVERVIEW_REFRESH_MS = 15_000;

export const taskKeys = {
  all: ['tasks'] as const,
  list: (query: TaskListQuery, cursor?: string) => ['tasks', 'list', query, cursor ?? null] as const,
  overview: (query: TaskOverviewQuery) => ['tasks', 'overview', query] as const,
  detail: (taskId: string) => ['tasks', 'detail', taskId] as const,
  requestLogs: (taskId: string, cursor?: string) =>
    ['tasks', 'detail', taskId, 'request-logs', cursor ?? null] as const,
  snapshot: (taskId: string, cursor?: string) =>
    ['tasks', 'detail', taskId, 'snapshot', cursor ?? null] as const,
  adjustments: (taskId: string, cursor?: string) =>
    ['tasks', 'detail', taskId, 'adjustments', cursor ?? null] as const,
  runs: (taskId: string) => ['tasks', 'detail', taskId, 'runs'] as const,
};

/** How often task data should refresh: fast right after a Sync Now, steadily while work is unfinished. */
function usePollInterval() {
  const { until } = useSyncNowFollowUp();
  return (tasks: Pick<Task, 'status'>[]) => {
    if (Date.now() < until) return POLL_AFTER_SYNC_NOW_MS;
    return tasks.some((task) => SELF_CHANGING_STATUSES.has(task.status)) ? POLL_WHILE_UNFINISHED_MS : false;
  };
}

export function useTaskList(query: TaskListQuery, cursor: string | undefined) {
  const api = useApiClient();
  const pollInterval = usePollInterval();
  return useQuery({
    queryKey: taskKeys.list(query, cursor),
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/v1/tasks', { params: { query: { ...query, limit: TASK_PAGE_SIZE, cursor } }, signal }),
      ),
    placeholderData: keepPreviousData,
    refetchInterval: (q) => pollInterval(q.state.data?.items ?? []),
  });
}

export function useTaskOverview(query: TaskOverviewQuery) {
  const api = useApiClient();
  return useQuery({
    queryKey: taskKeys.overview(query),
    queryFn: ({ signal }) => unwrap(api.GET('/v1/tasks/overview', { params: { query }, signal })),
    placeholderData: keepPreviousData,
    refetchInterval: OVERVIEW_REFRESH_MS,
  });
}

export function useTask(taskId: string) {
  const api = useApiClient();
  const pollInterval = usePollInterval();
  return useQuery({
    queryKey: taskKeys.detail(taskId),
    queryFn: ({ signal }) =>
      unwrap(api.GET('/v1/tasks/{task_id}', { params: { path: { task_id: taskId } }, signal })),
    refetchInterval: (q) => pollInterval(q.state.data ? [q.state.data] : []),
  });
}

/** Refreshes along with its task, whose status says whether new exchanges can still appear. */
/** One page of the task's exchanges, newest first (the API's default of 100 a page). */
export function useTaskRequestLogs(
  taskId: string,
  task: Pick<Task, 'status'> | undefined,
  cursor: string | undefined,
) {
  const api = useApiClient();
  const pollInterval = usePollInterval();
  return useQuery({
    queryKey: taskKeys.requestLogs(taskId, cursor),
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/v1/tasks/{task_id}/request-logs', {
          params: { path: { task_id: taskId }, query: { cursor } },
          signal,
        }),
      ),
    placeholderData: keepPreviousData,
    refetchInterval: () => pollInterval(task ? [task] : []),
  });
}

export function useInventorySnapshot(taskId: string, cursor: string | undefined) {
  const api = useApiClient();
  return useQuery({
    queryKey: taskKeys.snapshot(taskId, cursor),
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/v1/tasks/{task_id}/inventory-snapshot', {
          params: { path: { task_id: taskId }, query: { limit: SNAPSHOT_PAGE_SIZE, cursor } },
          signal,
        }),
      ),
    placeholderData: keepPreviousData,
  });
}

export function useInventoryAdjustments(taskId: string, cursor: string | undefined) {
  const api = useApiClient();
  return useQuery({
    queryKey: taskKeys.adjustments(taskId, cursor),
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/v1/tasks/{task_id}/adjustments', {
          params: { path: { task_id: taskId }, query: { limit: ADJUSTMENT_PAGE_SIZE, cursor } },
          signal,
        }),
      ),
    placeholderData: keepPreviousData,
  });
}

/** The task's History, newest first, a page at a time ("Load more"); refreshes along with its task. */
export function useTaskRuns(taskId: string, task: Pick<Task, 'status'> | undefined) {
  const api = useApiClient();
  const pollInterval = usePollInterval();
  return useInfiniteQuery({
    queryKey: taskKeys.runs(taskId),
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.GET('/v1/tasks/{task_id}/runs', {
          params: { path: { task_id: taskId }, query: { limit: RUN_PAGE_SIZE, cursor: pageParam } },
          signal,
        }),
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.next_cursor ?? undefined,
    refetchInterval: () => pollInterval(task ? [task] : []),
  });
}
