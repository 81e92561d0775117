import { Modal, Skeleton, Tabs } from 'antd';
import { ErrorAlert } from '../components/ErrorAlert';
import { RequestLogTable } from '../components/RequestLogTable';
import { InventorySnapshotTab } from './InventorySnapshotTab';
import { TaskDetailsTab } from './TaskDetailsTab';
import { taskTitle } from './taskLabels';
import { useTask, useTaskRequestLogs } from './taskQueries';
import { useSyncNow } from './useSyncNow';

interface TaskDetailsDialogProps {
  taskId: string;
  onClose: () => void;
}

/** The task details dialog (guide §2.4–2.6); its own URL is /console/tasks/{task_id}. */
export function TaskDetailsDialog({ taskId, onClose }: TaskDetailsDialogProps) {
  const task = useTask(taskId);
  const requestLogs = useTaskRequestLogs(taskId, task.data);
  const confirmSyncNow = useSyncNow();
  const link = `${window.location.origin}${import.meta.env.BASE_URL}tasks/${encodeURIComponent(taskId)}`;

  const tabs = task.data && [
    {
      key: 'details',
      label: 'Task Details',
      children: <TaskDetailsTab task={task.data} link={link} onSyncNow={confirmSyncNow} />,
    },
    ...(requestLogs.data?.length
      ? [
          {
            key: 'request-logs',
            label: 'Request Logs',
            children: <RequestLogTable logs={requestLogs.data} emptyText="No request records." />,
          },
        ]
      : []),
    ...(task.data.task_type === 'inventory_sync'
      ? [
          {
            key: 'inventory',
            label: 'Proxy Warehouse Inventory',
            children: <InventorySnapshotTab taskId={taskId} />,
          },
        ]
      : []),
  ];

  return (
    <Modal
      open
      title={task.data ? `Task details — ${taskTitle(task.data)}` : 'Task details'}
      width={1200}
      footer={null}
      onCancel={onClose}
    >
      {task.error && <ErrorAlert error={task.error} />}
      {task.isPending && <Skeleton active />}
      {tabs && <Tabs items={tabs} />}
    </Modal>
  );
}
