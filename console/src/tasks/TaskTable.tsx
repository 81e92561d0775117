import { Empty, Table } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import type { To } from 'react-router';
import type { Task } from '../api/types';
import { GUARDS } from '../auth/me';
import { PermittedButton } from '../auth/PermittedButton';
import { ExecutionSummaryCell, OrderNoCell, RouteInfoCell, TimeCell, TypeCell } from './TaskCells';
import { TaskStatusTag } from './TaskStatusTag';

export const NO_TASKS_TEXT =
  'No sync tasks match these filters. Tasks appear here once an inbound/outbound order, cancel or inventory sync is pushed to a proxy warehouse.';

interface TaskTableProps {
  tasks: Task[];
  loading: boolean;
  detailsLink: (taskId: string) => To;
  onSyncNow: (taskId: string) => void;
}

export function TaskTable({ tasks, loading, detailsLink, onSyncNow }: TaskTableProps) {
  const columns: ColumnsType<Task> = [
    {
      title: 'Order No.',
      key: 'order_no',
      width: 190,
      render: (_, task) => <OrderNoCell task={task} detailsLink={detailsLink(task.task_id)} />,
    },
    { title: 'Type', key: 'type', width: 125, render: (_, task) => <TypeCell task={task} /> },
    {
      title: 'Status',
      dataIndex: 'status',
      width: 120,
      render: (_, task) => <TaskStatusTag status={task.status} />,
    },
    { title: 'Route Info', key: 'route', width: 150, render: (_, task) => <RouteInfoCell task={task} /> },
    {
      title: 'Execution Summary',
      key: 'summary',
      minWidth: 200,
      render: (_, task) => <ExecutionSummaryCell task={task} />,
    },
    { title: 'Time', key: 'time', width: 260, render: (_, task) => <TimeCell task={task} /> },
    {
      title: 'Actions',
      key: 'actions',
      width: 96,
      fixed: 'right',
      render: (_, task) =>
        task.can_sync_now && (
          <PermittedButton
            guard={GUARDS.syncNow}
            type="link"
            size="small"
            onClick={() => onSyncNow(task.task_id)}
          >
            Sync Now
          </PermittedButton>
        ),
    },
  ];
  return (
    <Table<Task>
      rowKey="task_id"
      size="middle"
      columns={columns}
      dataSource={tasks}
      loading={loading}
      pagination={false}
      scroll={{ x: 1120 }}
      locale={{ emptyText: <Empty description={NO_TASKS_TEXT} /> }}
    />
  );
}
