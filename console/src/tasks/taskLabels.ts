import type { BusinessType, Task, TaskStatus, TaskType } from '../api/types';

/** Operator wording of the guide (Sync Tasks §2.3, §3.2) for the API's enum values. */
export const TASK_STATUS_LABELS: Record<TaskStatus, string> = {
  pending: 'Pending',
  running: 'Running',
  waiting: 'Waiting',
  success: 'Success',
  manual: 'Manual handling',
  cancelled: 'Cancelled',
};

/** Tag colours: Waiting yellow, Running blue, Success green, Manual handling red, Cancelled grey. */
export const TASK_STATUS_TAG_COLOURS: Record<TaskStatus, string | undefined> = {
  pending: undefined,
  waiting: 'gold',
  running: 'processing',
  success: 'success',
  manual: 'error',
  cancelled: '#8c8c8c',
};

export const TASK_TYPE_LABELS: Record<TaskType, string> = {
  create: 'Create task',
  cancel: 'Cancel task',
  query: 'Query task',
  inventory_sync: 'Inventory sync task',
  notify: 'Notify task',
};

export const BUSINESS_TYPE_LABELS: Record<BusinessType, string> = {
  inbound: 'Inbound',
  outbound: 'Outbound',
  inventory: 'Inventory',
};

/** Inventory types of snapshot lines and adjustments. */
export const INVENTORY_TYPE_LABELS: Record<string, string> = {
  qualified: 'Qualified',
  defective: 'Defective',
};

/** Statuses that still change by themselves, so a list showing one keeps refreshing. */
export const SELF_CHANGING_STATUSES: ReadonlySet<TaskStatus> = new Set(['pending', 'waiting', 'running']);

/** Unfinished statuses an operator may cancel (a running task first finishes its run). */
export const CANCELLABLE_STATUSES: ReadonlySet<TaskStatus> = new Set(['pending', 'waiting', 'manual']);

/** Next execution only means something while a run is still scheduled. */
export const SCHEDULED_STATUSES: ReadonlySet<TaskStatus> = new Set(['pending', 'waiting']);

/** Inventory sync tasks have no order number; they are named after their warehouse instead. */
export function taskTitle(task: Pick<Task, 'order_no' | 'gwms_warehouse_code'>): string {
  return task.order_no ?? `Inventory sync · ${task.gwms_warehouse_code}`;
}
