import { Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import type { ReactNode } from 'react';
import type { RequestLog } from '../api/types';
import { DateTime } from './DateTime';
import { HttpStatusTag } from './HttpStatusTag';
import { RequestLogExchange } from './RequestLogExchange';

const exchangeColumns: ColumnsType<RequestLog> = [
  { title: 'Method', dataIndex: 'method', width: 90 },
  { title: 'API name', dataIndex: 'api_name', width: 180 },
  {
    title: 'URL',
    dataIndex: 'url',
    ellipsis: { showTitle: true },
    render: (url: string) => <Typography.Text style={{ fontFamily: 'monospace' }}>{url}</Typography.Text>,
  },
  {
    title: 'Status',
    dataIndex: 'response_status',
    width: 120,
    render: (status: number | null) => <HttpStatusTag status={status} />,
  },
  {
    title: 'Duration',
    dataIndex: 'duration_ms',
    width: 100,
    align: 'right',
    render: (ms: number) => `${ms} ms`,
  },
  {
    title: 'Recorded',
    dataIndex: 'recorded_at',
    width: 180,
    render: (at: string) => <DateTime value={at} />,
  },
];

// The Logs page also says where each exchange belongs; inside a task that is the task itself.
const routingColumns: ColumnsType<RequestLog> = [
  { title: 'System', dataIndex: 'system_code', width: 130, render: orDash },
  { title: 'Warehouse', dataIndex: 'warehouse_code', width: 120, render: orDash },
  { title: 'Order No.', dataIndex: 'order_no', width: 150, render: orDash },
];

interface RequestLogTableProps {
  logs: RequestLog[];
  loading?: boolean;
  showRouting?: boolean;
  emptyText: ReactNode;
}

/** HTTP exchanges, each row expanding to its request and response. */
export function RequestLogTable({ logs, loading, showRouting, emptyText }: RequestLogTableProps) {
  const columns = showRouting
    ? [...exchangeColumns.slice(0, 2), ...routingColumns, ...exchangeColumns.slice(2)]
    : exchangeColumns;
  return (
    <Table<RequestLog>
      rowKey="log_id"
      size="small"
      columns={columns}
      dataSource={logs}
      loading={loading}
      pagination={false}
      scroll={{ x: showRouting ? 1200 : 900 }}
      locale={{ emptyText }}
      expandable={{ expandedRowRender: (log) => <RequestLogExchange log={log} />, expandRowByClick: true }}
    />
  );
}

function orDash(value: string | null) {
  return value ?? <Typography.Text type="secondary">—</Typography.Text>;
}
