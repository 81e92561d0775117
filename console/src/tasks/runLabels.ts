import dayjs from 'dayjs';
import type { RunOutcome, RunTrigger } from '../api/types';

/** What asked for a run, in operator words. */
export const RUN_TRIGGER_LABELS: Record<RunTrigger, string> = {
  created: 'Created',
  schedule: 'Schedule',
  sync_now: 'Sync Now',
  bulk_sync_now: 'Bulk Sync Now',
  callback: 'Callback',
  sweeper: 'Sweeper',
  state_machine: 'State machine',
  continuation: 'Continuation',
  direct: 'Direct run',
  resolve: 'Resolved',
  cancel: 'Cancelled',
};

export const RUN_OUTCOME_LABELS: Record<RunOutcome, string> = {
  done: 'Done',
  not_yet: 'Not yet',
  continue: 'Continued',
  deferred: 'Deferred',
  failed_transient: 'Failed, will retry',
  failed_permanent: 'Failed',
  needs_manual: 'Needs manual handling',
  cancelled: 'Cancelled',
  resolved: 'Resolved',
  lease_lost: 'Lease lost',
};

/** Tag colours: done green, still going blue, a retry or a lost lease orange, an end by failure red. */
export const RUN_OUTCOME_COLOURS: Record<RunOutcome, string> = {
  done: 'success',
  not_yet: 'processing',
  continue: 'processing',
  deferred: 'gold',
  failed_transient: 'warning',
  failed_permanent: 'error',
  needs_manual: 'error',
  cancelled: 'default',
  resolved: 'cyan',
  lease_lost: 'warning',
};

/** The timeline dot, in antd's four named colours. */
export const RUN_OUTCOME_DOTS: Record<RunOutcome, 'green' | 'blue' | 'red' | 'gray'> = {
  done: 'green',
  not_yet: 'blue',
  continue: 'blue',
  deferred: 'blue',
  failed_transient: 'red',
  failed_permanent: 'red',
  needs_manual: 'red',
  cancelled: 'gray',
  resolved: 'green',
  lease_lost: 'red',
};

/** "350 ms", "2.4 s", "3 min 5 s" between two API times. */
export function formatDuration(startedAt: string, endedAt: string): string {
  const ms = Math.max(0, dayjs(endedAt).diff(dayjs(startedAt)));
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}
