import { Alert, Space, Table } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useApiClient } from '../api/client';
import { unwrap } from '../api/errors';
import type { SnapshotLine } from '../api/types';
import { CursorPager } from '../components/CursorPager';
import { DateTime } from '../components/DateTime';
import { ErrorAlert } from '../components/ErrorAlert';
import { ExportCsvButton } from '../components/ExportCsvButton';
import { useCursorPages } from '../components/useCursorPages';
import { INVENTORY_TYPE_LABELS } from './taskLabels';
import { useInventorySnapshot } from './taskQueries';

export const SNAPSHOT_NOTE =
  'This tab shows the inventory snapshot captured at the time of task execution — it is not a live query of the proxy warehouse. Total inventory = Available inventory + Locked inventory.';

const orDash = (value: string | null) => value ?? '—';

// Guide §2.6, in its order.
const columns: ColumnsType<SnapshotLine> = [
  { title: 'Proxy warehouse SKU', dataIndex: 'proxy_sku', width: 160 },
  { title: 'GSKU', dataIndex: 'gsku', width: 140, render: orDash },
  { title: 'Local SKU', dataIndex: 'local_sku', width: 140, render: orDash },
  { title: 'Available inventory', dataIndex: 'available', width: 110, align: 'right' },
  { title: 'Locked inventory', dataIndex: 'locked', width: 110, align: 'right' },
  { title: 'Total inventory', dataIndex: 'total', width: 110, align: 'right' },
  {
    title: 'Inventory type',
    dataIndex: 'inventory_type',
    width: 110,
    render: (type: string) => INVENTORY_TYPE_LABELS[type] ?? type,
  },
  { title: 'Proxy inbound order', dataIndex: 'proxy_inbound_no', width: 160 },
  { title: 'Local inbound order', dataIndex: 'local_inbound_no', width: 160, render: orDash },
  {
    title: 'Inbound time',
    dataIndex: 'inbound_at',
    width: 170,
    render: (at: string) => <DateTime value={at} />,
  },
  {
    title: 'Snapshot time',
    dataIndex: 'snapshot_at',
    width: 170,
    render: (at: string) => <DateTime value={at} />,
  },
  { title: 'Proxy warehouse code', dataIndex: 'proxy_warehouse_code', width: 140 },
  { title: 'GWMS warehouse code', dataIndex: 'gwms_warehouse_code', width: 140 },
];

export function InventorySnapshotTab({ taskId }: { taskId: string }) {
  const api = useApiClient();
  const pages = useCursorPages(taskId);
  const snapshot = useInventorySnapshot(taskId, pages.cursor);
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <div className="filter-form-footer">
        <Alert type="info" showIcon message={SNAPSHOT_NOTE} style={{ flex: 1 }} />
        <ExportCsvButton
          exportCsv={() =>
            unwrap(
              api.POST('/v1/exports/tasks/{task_id}/snapshot', { params: { path: { task_id: taskId } } }),
            )
          }
        />
      </div>
      {snapshot.error && <ErrorAlert error={snapshot.error} />}
      <Table<SnapshotLine>
        rowKey={(line) =>
          [
            line.proxy_sku,
            line.inventory_type,
            line.proxy_inbound_no,
            line.local_inbound_no,
            line.inbound_at,
          ].join('|')
        }
        size="small"
        columns={columns}
        dataSource={snapshot.data?.items ?? []}
        loading={snapshot.isFetching}
        pagination={false}
        scroll={{ x: 1900 }}
        locale={{ emptyText: 'The proxy warehouse reported no inventory lines in this snapshot.' }}
      />
      <CursorPager pages={pages} nextCursor={snapshot.data?.next_cursor} loading={snapshot.isFetching} />
    </Space>
  );
}
