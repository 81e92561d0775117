import { Alert, Space, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useApiClient } from '../api/client';
import { unwrap } from '../api/errors';
import type { Adjustment } from '../api/types';
import { CursorPager } from '../components/CursorPager';
import { DateTime } from '../components/DateTime';
import { ErrorAlert } from '../components/ErrorAlert';
import { ExportCsvButton } from '../components/ExportCsvButton';
import { useCursorPages } from '../components/useCursorPages';
import { INVENTORY_TYPE_LABELS } from './taskLabels';
import { useInventoryAdjustments } from './taskQueries';

export const ADJUSTMENTS_NOTE =
  'Every correction this inventory sync made to the local stock: After is the proxy warehouse’s Available + Locked.';
export const NO_ADJUSTMENTS_TEXT =
  'This inventory sync corrected nothing: the local stock matched the proxy warehouse.';

const columns: ColumnsType<Adjustment> = [
  { title: 'GSKU', dataIndex: 'gsku', width: 140 },
  {
    title: 'Type',
    dataIndex: 'inventory_type',
    width: 100,
    render: (type: string) => INVENTORY_TYPE_LABELS[type] ?? type,
  },
  { title: 'Proxy Inbound No.', dataIndex: 'proxy_inbound_no', width: 160 },
  { title: 'Inbound No.', dataIndex: 'local_inbound_no', width: 160 },
  {
    title: 'Inbound At',
    dataIndex: 'inbound_at',
    width: 170,
    render: (at: string) => <DateTime value={at} />,
  },
  { title: 'Location', dataIndex: 'location', width: 130 },
  { title: 'Before', dataIndex: 'before', width: 90, align: 'right' },
  { title: 'After', dataIndex: 'after', width: 90, align: 'right' },
  {
    title: 'Delta',
    dataIndex: 'delta',
    width: 90,
    align: 'right',
    render: (delta: number) => <Delta value={delta} />,
  },
  { title: 'Available', dataIndex: 'available', width: 100, align: 'right' },
  { title: 'Locked', dataIndex: 'locked', width: 90, align: 'right' },
];

/** The inventory sync's discrepancy report (GET /v1/tasks/{id}/adjustments), a page at a time. */
export function InventoryAdjustmentsTab({ taskId }: { taskId: string }) {
  const api = useApiClient();
  const pages = useCursorPages(taskId);
  const adjustments = useInventoryAdjustments(taskId, pages.cursor);
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <div className="filter-form-footer">
        <Alert type="info" showIcon message={ADJUSTMENTS_NOTE} style={{ flex: 1 }} />
        <ExportCsvButton
          exportCsv={() =>
            unwrap(
              api.POST('/v1/exports/tasks/{task_id}/adjustments', { params: { path: { task_id: taskId } } }),
            )
          }
        />
      </div>
      {adjustments.error && <ErrorAlert error={adjustments.error} />}
      <Table<Adjustment>
        rowKey={(line) =>
          [line.gsku, line.inventory_type, line.proxy_inbound_no, line.local_inbound_no, line.location].join(
            '|',
          )
        }
        size="small"
        columns={columns}
        dataSource={adjustments.data?.items ?? []}
        loading={adjustments.isFetching}
        pagination={false}
        scroll={{ x: 1320 }}
        locale={{ emptyText: NO_ADJUSTMENTS_TEXT }}
      />
      <CursorPager
        pages={pages}
        nextCursor={adjustments.data?.next_cursor}
        loading={adjustments.isFetching}
      />
    </Space>
  );
}

/** Signed, green for stock added, red for stock taken away. */
function Delta({ value }: { value: number }) {
  if (value === 0) return <Typography.Text type="secondary">0</Typography.Text>;
  return (
    <Typography.Text type={value > 0 ? 'success' : 'danger'} strong>
      {value > 0 ? `+${value}` : value}
    </Typography.Text>
  );
}
