import { Button, Empty, Space, Spin, Tag, Timeline, Typography } from 'antd';
import type { TaskRun, TaskStatus } from '../api/types';
import { DateTime } from '../components/DateTime';
import { ErrorAlert } from '../components/ErrorAlert';
import {
  RUN_OUTCOME_COLOURS,
  RUN_OUTCOME_DOTS,
  RUN_OUTCOME_LABELS,
  RUN_TRIGGER_LABELS,
  formatDuration,
} from './runLabels';
import { useTaskRuns } from './taskQueries';

export const NO_RUNS_TEXT = 'No runs recorded yet. History keeps every run of the last 90 days.';

interface TaskHistoryTabProps {
  taskId: string;
  taskStatus: TaskStatus | undefined;
  /** Opens the Request Logs tab, when the task has one. */
  onShowRequestLogs?: () => void;
}

/** Every run of the task and an operator's resolve or cancel, newest first (GET /v1/tasks/{id}/runs). */
export function TaskHistoryTab({ taskId, taskStatus, onShowRequestLogs }: TaskHistoryTabProps) {
  const runs = useTaskRuns(taskId, taskStatus ? { status: taskStatus } : undefined);
  const items = runs.data?.pages.flatMap((page) => page.items) ?? [];
  if (runs.isPending) return <Spin />;
  if (runs.error) return <ErrorAlert error={runs.error} title="The task's history could not be loaded" />;
  if (!items.length) return <Empty description={NO_RUNS_TEXT} />;
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Timeline
        items={items.map((run) => ({
          key: run.run_id,
          color: RUN_OUTCOME_DOTS[run.outcome],
          children: <RunEntry run={run} onShowRequestLogs={onShowRequestLogs} />,
          // Spread, not listed: antd puts the rest of an item's props on its <li>.
          ...{ 'data-run-id': run.run_id },
        }))}
      />
      {runs.hasNextPage && (
        <Button loading={runs.isFetchingNextPage} onClick={() => void runs.fetchNextPage()}>
          Load more
        </Button>
      )}
    </Space>
  );
}

function RunEntry({ run, onShowRequestLogs }: { run: TaskRun; onShowRequestLogs?: () => void }) {
  const logs = run.log_ids.length;
  const logsText = `${logs} request ${logs === 1 ? 'log' : 'logs'}`;
  return (
    <div className="cell-lines">
      <Space size={8} wrap>
        <Typography.Text strong>{RUN_TRIGGER_LABELS[run.trigger] ?? run.trigger}</Typography.Text>
        {run.actor && <Typography.Text type="secondary">by {run.actor}</Typography.Text>}
        <Tag color={RUN_OUTCOME_COLOURS[run.outcome]}>{RUN_OUTCOME_LABELS[run.outcome] ?? run.outcome}</Tag>
      </Space>
      <Typography.Text type="secondary">
        <DateTime value={run.started_at} /> · took {formatDuration(run.started_at, run.ended_at)}
      </Typography.Text>
      {run.summary && <Typography.Text>{run.summary}</Typography.Text>}
      {run.error && run.error !== run.summary && <Typography.Text type="danger">{run.error}</Typography.Text>}
      {logs > 0 &&
        (onShowRequestLogs ? (
          <Typography.Link onClick={onShowRequestLogs}>{logsText}</Typography.Link>
        ) : (
          <Typography.Text type="secondary">{logsText}</Typography.Text>
        ))}
    </div>
  );
}
