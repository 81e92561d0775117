import { Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import type { ReactNode } from 'react';
import type { RequestLog } from '../api/types';
import { DateTime } from './DateTime';
import { HttpStatusTag } from './HttpStatusTag';
import { RequestLogExchange } from './RequestLogExchange';

const recordedColumn: ColumnsType<RequestLog>[number] = {
  title: 'Recorded',
  dataIndex: 'recorded_at',
  width: 170,
  render: (at: string) => <DateTime value={at} />,
};

const callColumns: ColumnsType<RequestLog> = [
  { title: 'Method', dataIndex: 'method', width: 80 },
  { title: 'API name', dataIndex: 'api_name', width: 160 },
];

// The Logs page also says where each exchange belongs; inside a task that is the task itself.
const routingColumns: ColumnsType<RequestLog> = [
  { title: 'System', dataIndex: 'system_code', width: 120, render: orDash },
  { title: 'Warehouse', dataIndex: 'warehouse_code', width: 110, render: orDash },
  { title: 'Order No.', dataIndex: 'order_no', width: 150, render: orDash },
];

const outcomeColumns: ColumnsType<RequestLog> = [
  {
    title: 'Status',
    dataIndex: 'response_status',
    width: 110,
    render: (status: number | null) => <HttpStatusTag status={status} />,
  },
  {
    title: 'Duration',
    dataIndex: 'duration_ms',
    width: 90,
    align: 'right',
    render: (ms: number) => `${ms} ms`,
  },
  {
    title: 'URL',
    dataIndex: 'url',
    ellipsis: { showTitle: true },
    render: (url: string) => <Typography.Text style={{ fontFamily: 'monospace' }}>{url}</Typography.Text>,
  },
];

interface RequestLogTableProps {
  logs: RequestLog[];
  loading?: boolean;
  showRouting?: boolean;
  emptyText: ReactNode;
}

/** HTTP exchanges, each row expanding to its request and response. */
export function RequestLogTable({ logs, loading, showRouting, emptyText }: RequestLogTableProps) {
  const columns = [recordedColumn, ...callColumns, ...(showRouting ? routingColumns : []), ...outcomeColumns];
  return (
    <Table<RequestLog>
      rowKey="log_id"
      size="small"
      columns={columns}
      dataSource={logs}
      loading={loading}
      pagination={false}
      scroll={{ x: showRouting ? 1150 : 800 }}
      locale={{ emptyText }}
      expandable={{ expandedRowRender: (log) => <RequestLogExchange log={log} />, expandRowByClick: true }}
    />
  );
}

function orDash(value: string | null) {
  return value ?? <Typography.Text type="secondary">—</Typography.Text>;
}
