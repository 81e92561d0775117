import { Modal, Skeleton, Space, Tabs } from 'antd';
import { useState } from 'react';
import { useApiClient } from '../api/client';
import { unwrap } from '../api/errors';
import { CursorPager } from '../components/CursorPager';
import { ErrorAlert } from '../components/ErrorAlert';
import { ExportCsvButton } from '../components/ExportCsvButton';
import { RequestLogTable } from '../components/RequestLogTable';
import { useCursorPages } from '../components/useCursorPages';
import { InventoryAdjustmentsTab } from './InventoryAdjustmentsTab';
import { InventorySnapshotTab } from './InventorySnapshotTab';
import { TaskDetailsTab } from './TaskDetailsTab';
import { TaskHistoryTab } from './TaskHistoryTab';
import { taskTitle } from './taskLabels';
import { useTask, useTaskRequestLogs } from './taskQueries';
import { useSyncNow } from './useSyncNow';

interface TaskDetailsDialogProps {
  taskId: string;
  onClose: () => void;
}

/** The task details dialog (guide §2.4–2.6); its own URL is /console/tasks/{task_id}. */
export function TaskDetailsDialog({ taskId, onClose }: TaskDetailsDialogProps) {
  const api = useApiClient();
  const task = useTask(taskId);
  const requestLogPages = useCursorPages(taskId);
  const requestLogs = useTaskRequestLogs(taskId, task.data, requestLogPages.cursor);
  const confirmSyncNow = useSyncNow();
  const [activeTab, setActiveTab] = useState('details');
  const link = `${window.location.origin}${import.meta.env.BASE_URL}tasks/${encodeURIComponent(taskId)}`;
  const hasRequestLogs = requestLogPages.pageNumber > 1 || Boolean(requestLogs.data?.items.length);

  const tabs = task.data && [
    {
      key: 'details',
      label: 'Task Details',
      children: <TaskDetailsTab task={task.data} link={link} onSyncNow={confirmSyncNow} />,
    },
    {
      key: 'history',
      label: 'History',
      children: (
        <TaskHistoryTab
          taskId={taskId}
          taskStatus={task.data.status}
          onShowRequestLogs={hasRequestLogs ? () => setActiveTab('request-logs') : undefined}
        />
      ),
    },
    ...(hasRequestLogs
      ? [
          {
            key: 'request-logs',
            label: 'Request Logs',
            children: (
              <Space direction="vertical" size="middle" style={{ width: '100%' }}>
                <div className="filter-form-buttons">
                  <ExportCsvButton
                    exportCsv={() =>
                      unwrap(
                        api.POST('/v1/exports/tasks/{task_id}/request-logs', {
                          params: { path: { task_id: taskId } },
                        }),
                      )
                    }
                  />
                </div>
                <RequestLogTable logs={requestLogs.data?.items ?? []} emptyText="No request records." />
                <CursorPager
                  pages={requestLogPages}
                  nextCursor={requestLogs.data?.next_cursor}
                  loading={requestLogs.isFetching}
                />
              </Space>
            ),
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
          {
            key: 'adjustments',
            label: 'Adjustments',
            children: <InventoryAdjustmentsTab taskId={taskId} />,
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
      {tabs && (
        <Tabs
          activeKey={tabs.some((tab) => tab.key === activeTab) ? activeTab : 'details'}
          onChange={setActiveTab}
          items={tabs}
        />
      )}
    </Modal>
  );
}
