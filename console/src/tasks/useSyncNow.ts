import { useApiClient } from '../api/client';
import { unwrap } from '../api/errors';
import { useConfirmedAction } from '../components/useConfirmedAction';
import { useSyncNowFollowUp } from './syncNowFollowUp';
import { taskKeys } from './taskQueries';

export const SYNC_NOW_CONFIRMATION = 'Confirm execute this task immediately?';
export const SYNC_NOW_SUBMITTED = 'Execution request submitted';

/** Sync Now as the guide describes it (§2.7): confirm, submit, report, then watch the result arrive. */
export function useSyncNow() {
  const api = useApiClient();
  const followUp = useSyncNowFollowUp();
  return useConfirmedAction({
    run: (taskId: string) =>
      unwrap(api.POST('/v1/tasks/{task_id}/sync-now', { params: { path: { task_id: taskId } } })),
    confirmation: () => ({ title: SYNC_NOW_CONFIRMATION }),
    succeeded: () => SYNC_NOW_SUBMITTED,
    invalidates: [taskKeys.all],
    onSettled: followUp.start,
  });
}
