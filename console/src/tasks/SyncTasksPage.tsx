import { Card, Space } from 'antd';
import { useState } from 'react';
import { Outlet, useLocation, useNavigate, useParams, useSearchParams } from 'react-router';
import { useApiClient } from '../api/client';
import { unwrap } from '../api/errors';
import type { BulkSyncNowResult } from '../api/types';
import { CursorPager } from '../components/CursorPager';
import { ErrorAlert } from '../components/ErrorAlert';
import { ExportCsvButton } from '../components/ExportCsvButton';
import { useCursorPages } from '../components/useCursorPages';
import { PageHeader } from '../layout/PageHeader';
import { countMatchingTasks } from './bulkSyncNow';
import { BulkSyncNowButton, BulkSyncNowReport } from './BulkSyncNow';
import { TaskDetailsDialog } from './TaskDetailsDialog';
import { TaskFilterForm } from './TaskFilterForm';
import { TaskOverview } from './TaskOverview';
import {
  CARD_PARAM,
  isFiltered,
  readTaskFilter,
  toFilterBody,
  toListQuery,
  toOverviewQuery,
  withCardFilter,
  withFormFilter,
  withoutCardFilter,
} from './taskFilters';
import { useTaskList, useTaskOverview } from './taskQueries';
import { TaskTable } from './TaskTable';
import { useSyncNow } from './useSyncNow';

/** GWMS > Proxy Warehouse > Sync Tasks: filter bar, overview, task list (guide §2.1). */
export function SyncTasksPage() {
  const [params, setParams] = useSearchParams();
  const { search } = useLocation();
  const filter = readTaskFilter(params);
  const listQuery = toListQuery(filter);
  const pages = useCursorPages(JSON.stringify(listQuery));
  const tasks = useTaskList(listQuery, pages.cursor);
  const overview = useTaskOverview(toOverviewQuery(filter));
  const confirmSyncNow = useSyncNow();
  const api = useApiClient();
  const [bulkResult, setBulkResult] = useState<BulkSyncNowResult | null>(null);
  const filtered = isFiltered(filter);
  const matching = countMatchingTasks(filter, {
    firstPage: !pages.cursor && !tasks.isPlaceholderData ? tasks.data : undefined,
    overview: overview.isPlaceholderData ? undefined : overview.data,
  });
  // The dialog keeps the list's query string, so closing it returns to the same filtered list.
  const detailsLink = (taskId: string) => ({ pathname: `/tasks/${encodeURIComponent(taskId)}`, search });

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <PageHeader title="Sync Tasks" />
      <Card size="small">
        <TaskFilterForm
          filter={filter}
          onSearch={(formFilter) => setParams(withFormFilter(params, formFilter))}
          onReset={() => setParams({})}
        />
      </Card>
      <TaskOverview
        overview={overview.data}
        error={overview.error}
        activeCardKey={params.get(CARD_PARAM)}
        onSelectCard={(metric) => setParams(withCardFilter(params, metric))}
        onClearCard={(metric) =>
          setParams(withoutCardFilter(params, metric ? Object.keys(metric.filter) : ['status']))
        }
        detailsLink={detailsLink}
      />
      <Card
        size="small"
        title="Tasks"
        extra={
          <Space>
            {filtered && <BulkSyncNowButton filter={filter} count={matching} onResult={setBulkResult} />}
            <ExportCsvButton
              exportCsv={() =>
                unwrap(api.POST('/v1/exports/tasks', { body: filtered ? toFilterBody(filter) : undefined }))
              }
            />
          </Space>
        }
      >
        <Space direction="vertical" size="middle" style={{ width: '100%' }}>
          {bulkResult && (
            <BulkSyncNowReport
              result={bulkResult}
              detailsLink={detailsLink}
              onClose={() => setBulkResult(null)}
            />
          )}
          {tasks.error && <ErrorAlert error={tasks.error} title="The task list could not be loaded" />}
          <TaskTable
            tasks={tasks.data?.items ?? []}
            loading={tasks.isPending || (tasks.isPlaceholderData && tasks.isFetching)}
            detailsLink={detailsLink}
            onSyncNow={confirmSyncNow}
          />
          <CursorPager pages={pages} nextCursor={tasks.data?.next_cursor} loading={tasks.isPlaceholderData} />
        </Space>
      </Card>
      <Outlet />
    </Space>
  );
}

/** /console/tasks/{task_id}: the Sync Tasks page with that task's details open. */
export function TaskDetailsRoute() {
  const { taskId = '' } = useParams();
  const navigate = useNavigate();
  const { search } = useLocation();
  return <TaskDetailsDialog taskId={taskId} onClose={() => navigate({ pathname: '/tasks', search })} />;
}
