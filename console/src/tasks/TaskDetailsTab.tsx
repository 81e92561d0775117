import { CheckOutlined, LinkOutlined } from '@ant-design/icons';
import { Descriptions, Space, Typography } from 'antd';
import { useState } from 'react';
import type { TaskDetail } from '../api/types';
import { GUARDS } from '../auth/me';
import { PermittedButton } from '../auth/PermittedButton';
import { DateTime } from '../components/DateTime';
import { RunbookLink } from '../runbook/RunbookLink';
import { EndTaskDialog, type TaskEnding } from './EndTaskDialog';
import { BUSINESS_TYPE_LABELS, CANCELLABLE_STATUSES, TASK_TYPE_LABELS } from './taskLabels';
import { TaskStatusTag } from './TaskStatusTag';

interface TaskDetailsTabProps {
  task: TaskDetail;
  link: string;
  onSyncNow: (taskId: string) => void;
}

/** Every field of guide §2.4. */
export function TaskDetailsTab({ task, link, onSyncNow }: TaskDetailsTabProps) {
  const [ending, setEnding] = useState<TaskEnding | null>(null);
  // A running task cannot be cancelled under its run; the API says whether one is running (can_sync_now).
  const cancellable = CANCELLABLE_STATUSES.has(task.status) && task.can_sync_now;
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Space>
        <Typography.Text
          copyable={{
            text: link,
            icon: [
              <span key="copy">
                <LinkOutlined aria-hidden /> Copy link
              </span>,
              <span key="copied">
                <CheckOutlined aria-hidden /> Link copied
              </span>,
            ],
            tooltips: ['Copy link', 'Link copied'],
          }}
        />
        {task.can_sync_now && (
          <PermittedButton guard={GUARDS.syncNow} type="primary" onClick={() => onSyncNow(task.task_id)}>
            Sync Now
          </PermittedButton>
        )}
        {task.status === 'manual' && (
          <PermittedButton guard={GUARDS.resolveTask} onClick={() => setEnding('resolve')}>
            Resolve
          </PermittedButton>
        )}
        {cancellable && (
          <PermittedButton guard={GUARDS.cancelTask} danger onClick={() => setEnding('cancel')}>
            Cancel task
          </PermittedButton>
        )}
      </Space>
      {ending && <EndTaskDialog ending={ending} task={task} onClose={() => setEnding(null)} />}
      <Descriptions bordered size="small" column={{ xs: 1, sm: 1, md: 2, lg: 2, xl: 2, xxl: 2 }}>
        <Descriptions.Item label="Task ID">
          <Typography.Text copyable>{task.task_id}</Typography.Text>
        </Descriptions.Item>
        <Descriptions.Item label="Task type">{TASK_TYPE_LABELS[task.task_type]}</Descriptions.Item>
        <Descriptions.Item label="Task status">
          <TaskStatusTag status={task.status} />
        </Descriptions.Item>
        <Descriptions.Item label="Business type">
          {BUSINESS_TYPE_LABELS[task.business_type]}
        </Descriptions.Item>
        <Descriptions.Item label="Business order number">
          <Copyable value={task.order_no} />
        </Descriptions.Item>
        <Descriptions.Item label="Third-party order number">
          <Copyable value={task.third_party_order_no} />
        </Descriptions.Item>
        <Descriptions.Item label="Proxy warehouse system" span="filled">
          <Space split="·" wrap>
            <span>
              {task.system_name ?? <Typography.Text type="secondary">Unknown system</Typography.Text>}
            </span>
            <span>{task.system_type ?? '—'}</span>
            <span>{task.system_code}</span>
          </Space>
        </Descriptions.Item>
        <Descriptions.Item label="Warehouse code">{task.gwms_warehouse_code}</Descriptions.Item>
        <Descriptions.Item label="Proxy warehouse code">{task.proxy_warehouse_code}</Descriptions.Item>
        <Descriptions.Item label="Request ID">
          <Copyable value={task.request_id} />
        </Descriptions.Item>
        <Descriptions.Item label="Attempts">
          {task.attempts}
          {task.consecutive_failures > 0 && (
            <Typography.Text type="danger">
              {' '}
              ({task.consecutive_failures} consecutive failures)
            </Typography.Text>
          )}
        </Descriptions.Item>
        <Descriptions.Item label="Last executed time">
          <DateTime value={task.last_executed_at} />
        </Descriptions.Item>
        <Descriptions.Item label="Next execution time">
          <DateTime value={task.next_execution_at} />
        </Descriptions.Item>
        <Descriptions.Item label="Created time">
          <DateTime value={task.created_at} />
        </Descriptions.Item>
        <Descriptions.Item label="Last Sync Now" span="filled">
          {task.last_sync_now_by ? (
            <span>
              {task.last_sync_now_by}
              {task.last_sync_now_at && (
                <>
                  {' at '}
                  <DateTime value={task.last_sync_now_at} />
                </>
              )}
            </span>
          ) : (
            <Typography.Text type="secondary">—</Typography.Text>
          )}
        </Descriptions.Item>
        <Descriptions.Item label="Execution result" span="filled">
          {task.execution_summary ?? <Typography.Text type="secondary">—</Typography.Text>}
        </Descriptions.Item>
        <Descriptions.Item label="Error message" span="filled">
          {task.error_message ? (
            <Space direction="vertical" size={0}>
              <Typography.Text type="danger">{task.error_message}</Typography.Text>
              <RunbookLink message={task.error_message} />
            </Space>
          ) : (
            <Typography.Text type="secondary">—</Typography.Text>
          )}
        </Descriptions.Item>
      </Descriptions>
    </Space>
  );
}

function Copyable({ value }: { value: string | null }) {
  return value ? (
    <Typography.Text copyable>{value}</Typography.Text>
  ) : (
    <Typography.Text type="secondary">—</Typography.Text>
  );
}
