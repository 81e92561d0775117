import { Alert, Collapse, List, Space, Typography } from 'antd';
import { Link, type To } from 'react-router';
import { useApiClient } from '../api/client';
import { unwrap } from '../api/errors';
import type { BulkSyncNowResult, TaskFilterBody } from '../api/types';
import { GUARDS } from '../auth/me';
import { PermittedButton } from '../auth/PermittedButton';
import { useConfirmedAction } from '../components/useConfirmedAction';
import {
  BULK_SYNC_NOW_LIMIT,
  bulkSyncNowLabel,
  bulkSyncNowQuestion,
  describeSubmission,
} from './bulkSyncNow';
import { describeCardFilter } from './describeCardFilter';
import { useSyncNowFollowUp } from './syncNowFollowUp';
import { type TaskFilter, toFilterBody } from './taskFilters';
import { taskKeys } from './taskQueries';

export const CAPPED_TEXT = `More tasks matched than one Sync Now takes: only the newest ${BULK_SYNC_NOW_LIMIT} were taken. Run it again for the rest.`;

interface BulkSyncNowButtonProps {
  filter: TaskFilter;
  /** How many tasks the filter matches, or null when the page cannot know. */
  count: number | null;
  onResult: (result: BulkSyncNowResult) => void;
}

/** "Sync Now (N)": Sync Now on every task the list's filter matches; operators only. */
export function BulkSyncNowButton({ filter, count, onResult }: BulkSyncNowButtonProps) {
  const confirm = useBulkSyncNow(onResult);
  return (
    <PermittedButton
      guard={GUARDS.bulkSyncNow}
      disabled={count === 0}
      onClick={() =>
        confirm({
          filter: toFilterBody(filter),
          description: describeCardFilter(filter as Record<string, string>),
          count,
        })
      }
    >
      {bulkSyncNowLabel(count)}
    </PermittedButton>
  );
}

interface Selection {
  filter: TaskFilterBody;
  description: string;
  count: number | null;
}

function useBulkSyncNow(onResult: (result: BulkSyncNowResult) => void) {
  const api = useApiClient();
  const followUp = useSyncNowFollowUp();
  return useConfirmedAction({
    run: ({ filter }: Selection) => unwrap(api.POST('/v1/tasks/sync-now', { body: { filter } })),
    confirmation: ({ count, description }) => ({
      title: bulkSyncNowQuestion(count),
      content: (
        <Space direction="vertical" size={4}>
          <Typography.Text>Filter: {description}</Typography.Text>
          <Typography.Text type="secondary">
            Each runs at once, as with Sync Now. Finished and running tasks are skipped, with the reason; at
            most the newest {BULK_SYNC_NOW_LIMIT} are taken.
          </Typography.Text>
        </Space>
      ),
    }),
    succeeded: (result) => `Sync Now: ${describeSubmission(result.submitted.length, result.skipped.length)}`,
    onSucceeded: onResult,
    invalidates: [taskKeys.all],
    onSettled: followUp.start,
  });
}

interface BulkSyncNowReportProps {
  result: BulkSyncNowResult;
  detailsLink: (taskId: string) => To;
  onClose: () => void;
}

/** What a bulk Sync Now did: the counts, whether it was capped, and why each skipped task was skipped. */
export function BulkSyncNowReport({ result, detailsLink, onClose }: BulkSyncNowReportProps) {
  const { submitted, skipped, capped } = result;
  return (
    <Alert
      data-testid="bulk-sync-now-result"
      type={skipped.length || capped ? 'warning' : 'success'}
      showIcon
      closable
      onClose={onClose}
      message={`Bulk Sync Now: ${describeSubmission(submitted.length, skipped.length)}`}
      description={
        capped || skipped.length ? (
          <Space direction="vertical" size="small" style={{ width: '100%' }}>
            {capped && <Typography.Text>{CAPPED_TEXT}</Typography.Text>}
            {skipped.length > 0 && (
              <Collapse
                size="small"
                items={[
                  {
                    key: 'skipped',
                    label: `Skipped tasks (${skipped.length})`,
                    children: (
                      <List
                        size="small"
                        dataSource={skipped}
                        renderItem={(skip) => (
                          <List.Item data-task-id={skip.task_id}>
                            <Space size={4} wrap>
                              <Link to={detailsLink(skip.task_id)}>{skip.task_id}</Link>
                              <Typography.Text type="secondary">—</Typography.Text>
                              <Typography.Text>{skip.reason}</Typography.Text>
                            </Space>
                          </List.Item>
                        )}
                      />
                    ),
                  },
                ]}
              />
            )}
          </Space>
        ) : undefined
      }
    />
  );
}
