import { Typography } from 'antd';
import type { ReactNode } from 'react';
import { Link, type To } from 'react-router';
import type { Task } from '../api/types';
import { DateTime } from '../components/DateTime';
import { RunbookLink } from '../runbook/RunbookLink';
import { BUSINESS_TYPE_LABELS, SCHEDULED_STATUSES, TASK_TYPE_LABELS, taskTitle } from './taskLabels';

/** Line 1: business order number (opens the details); line 2: third-party order number. Both copyable. */
export function OrderNoCell({ task, detailsLink }: { task: Task; detailsLink: To }) {
  return (
    <div className="cell-lines">
      <span>
        <Link to={detailsLink}>{taskTitle(task)}</Link>
        {task.order_no && (
          <Typography.Text
            copyable={{ text: task.order_no, tooltips: ['Copy business order number', 'Copied'] }}
          />
        )}
      </span>
      {task.third_party_order_no && (
        <Typography.Text
          type="secondary"
          copyable={{
            text: task.third_party_order_no,
            tooltips: ['Copy third-party order number', 'Copied'],
          }}
        >
          {task.third_party_order_no}
        </Typography.Text>
      )}
    </div>
  );
}

export function TypeCell({ task }: { task: Pick<Task, 'task_type' | 'business_type'> }) {
  return (
    <div className="cell-lines">
      <span>{TASK_TYPE_LABELS[task.task_type]}</span>
      <Typography.Text type="secondary">{BUSINESS_TYPE_LABELS[task.business_type]}</Typography.Text>
    </div>
  );
}

export function RouteInfoCell({ task }: { task: Task }) {
  return (
    <div className="cell-lines">
      <LabelledLine label="GWMS">{task.gwms_warehouse_code}</LabelledLine>
      <LabelledLine label="Proxy">{task.proxy_warehouse_code}</LabelledLine>
      <LabelledLine label="System">{task.system_code}</LabelledLine>
    </div>
  );
}

export function ExecutionSummaryCell({ task }: { task: Pick<Task, 'execution_summary' | 'error_message'> }) {
  const summary = task.execution_summary ?? task.error_message;
  if (!summary) {
    return <Typography.Text type="secondary">—</Typography.Text>;
  }
  // A task in manual handling usually reports its error as its summary: say it once, in red.
  const separateError = task.error_message && task.error_message !== summary ? task.error_message : null;
  return (
    <div className="cell-lines">
      <ClippedText text={summary} danger={Boolean(task.error_message) && !separateError} />
      {separateError && <ClippedText text={separateError} danger />}
      <RunbookLink message={task.error_message} />
    </div>
  );
}

export function TimeCell({ task }: { task: Task }) {
  return (
    <div className="cell-lines cell-lines-nowrap">
      <LabelledLine label="Created">
        <DateTime value={task.created_at} />
      </LabelledLine>
      <LabelledLine label="Last executed">
        <DateTime value={task.last_executed_at} />
      </LabelledLine>
      {SCHEDULED_STATUSES.has(task.status) && (
        <LabelledLine label="Next execution">
          <DateTime value={task.next_execution_at} />
        </LabelledLine>
      )}
    </div>
  );
}

function LabelledLine({ label, children }: { label: string; children: ReactNode }) {
  return (
    <span>
      <Typography.Text type="secondary">{label}: </Typography.Text>
      {children}
    </span>
  );
}

// At most two lines each; the whole text on hover.
function ClippedText({ text, danger }: { text: string; danger?: boolean }) {
  return (
    <Typography.Paragraph
      type={danger ? 'danger' : undefined}
      ellipsis={{ rows: 2, tooltip: text }}
      style={{ marginBottom: 0 }}
    >
      {text}
    </Typography.Paragraph>
  );
}
