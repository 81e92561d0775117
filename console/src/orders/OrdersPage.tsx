import { SearchOutlined } from '@ant-design/icons';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import {
  Button,
  Card,
  Col,
  DatePicker,
  Empty,
  Form,
  Input,
  Row,
  Select,
  Space,
  Table,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import type { ColumnsType } from 'antd/es/table';
import dayjs, { type Dayjs } from 'dayjs';
import { Link, Navigate, useNavigate, useParams, useSearchParams } from 'react-router';
import { useApiClient } from '../api/client';
import { unwrap } from '../api/errors';
import type { OrderKind, OrderListItem, OrderStatus } from '../api/types';
import { CursorPager } from '../components/CursorPager';
import { DateTime } from '../components/DateTime';
import { ErrorAlert } from '../components/ErrorAlert';
import { useCursorPages } from '../components/useCursorPages';
import { PageHeader } from '../layout/PageHeader';
import {
  ORDER_KIND_LABELS,
  ORDER_SOURCE_LABELS,
  ORDER_STATUS_COLOURS,
  ORDER_STATUS_LABELS,
  ORDER_STATUSES,
  orderTypeLabel,
} from './orderLabels';
import { type OrderSearch, readOrderSearch, searchForKind } from './orderSearch';

export const ORDER_PAGE_SIZE = 20;
export const NO_ORDERS_TEXT = 'No orders match these filters.';
export const SHORT_PAGE_TEXT =
  'This page holds fewer orders than a full page, but more may match: use Next to keep looking.';

const KINDS: OrderKind[] = ['inbound', 'outbound'];

interface FormValues {
  status?: OrderStatus[];
  warehouse_code?: string;
  created?: [Dayjs | null, Dayjs | null] | null;
  source?: string;
}

/** GWMS > Proxy Warehouse > Orders: inbound and outbound orders, each linking to its sync tasks. */
export function OrdersPage() {
  const params = useParams();
  const navigate = useNavigate();
  const [searchParams, setSearchParams] = useSearchParams();
  const kind = (params.kind ?? 'inbound') as OrderKind;
  const search = readOrderSearch(searchParams);
  const pages = useCursorPages(JSON.stringify([kind, search]));
  const orders = useOrders(kind, search, pages.cursor);
  if (!KINDS.includes(kind)) return <Navigate to="/orders" replace />;

  const page = orders.data;
  const shortPage = Boolean(page?.next_cursor) && (page?.items.length ?? 0) < ORDER_PAGE_SIZE;
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <PageHeader title="Orders" />
      <Card size="small">
        <Tabs
          activeKey={kind}
          onChange={(key) =>
            navigate({
              pathname: `/orders/${key}`,
              search: searchForKind(searchParams, key as OrderKind).toString(),
            })
          }
          items={KINDS.map((key) => ({ key, label: ORDER_KIND_LABELS[key] }))}
        />
        <OrderFilterForm
          kind={kind}
          search={search}
          onSearch={(values) => setSearchParams(toParams(values))}
          onReset={() => setSearchParams({})}
        />
      </Card>
      <Card size="small">
        <Space direction="vertical" size="middle" style={{ width: '100%' }}>
          {orders.error && <ErrorAlert error={orders.error} title="The orders could not be loaded" />}
          <Table<OrderListItem>
            rowKey="order_no"
            size="middle"
            columns={columns}
            dataSource={page?.items ?? []}
            loading={orders.isPending || (orders.isPlaceholderData && orders.isFetching)}
            pagination={false}
            scroll={{ x: 1100 }}
            locale={{
              emptyText: <Empty description={page?.next_cursor ? SHORT_PAGE_TEXT : NO_ORDERS_TEXT} />,
            }}
          />
          {shortPage && page?.items.length ? (
            <Typography.Text type="secondary">{SHORT_PAGE_TEXT}</Typography.Text>
          ) : null}
          <CursorPager pages={pages} nextCursor={page?.next_cursor} loading={orders.isPlaceholderData} />
        </Space>
      </Card>
    </Space>
  );
}

const columns: ColumnsType<OrderListItem> = [
  {
    title: 'Order No.',
    dataIndex: 'order_no',
    width: 200,
    render: (orderNo: string) => (
      <span>
        <Link to={{ pathname: '/tasks', search: new URLSearchParams({ order_no: orderNo }).toString() }}>
          {orderNo}
        </Link>
        <Typography.Text copyable={{ text: orderNo, tooltips: ['Copy order number', 'Copied'] }} />
      </span>
    ),
  },
  { title: 'Type', dataIndex: 'order_type', width: 140, render: orderTypeLabel },
  {
    title: 'Status',
    dataIndex: 'status',
    width: 120,
    render: (status: OrderStatus) => (
      <Tag color={ORDER_STATUS_COLOURS[status]}>{ORDER_STATUS_LABELS[status] ?? status}</Tag>
    ),
  },
  { title: 'Warehouse', dataIndex: 'warehouse_code', width: 120 },
  {
    title: 'Proxy Order No.',
    dataIndex: 'proxy_order_no',
    width: 170,
    render: (proxyOrderNo: string | null) =>
      proxyOrderNo ?? <Typography.Text type="secondary">—</Typography.Text>,
  },
  {
    title: 'Source',
    dataIndex: 'source',
    width: 120,
    render: (source: string) => ORDER_SOURCE_LABELS[source] ?? source,
  },
  { title: 'Created', dataIndex: 'created_at', width: 170, render: (at: string) => <DateTime value={at} /> },
  { title: 'Updated', dataIndex: 'updated_at', width: 170, render: (at: string) => <DateTime value={at} /> },
];

function useOrders(kind: OrderKind, search: OrderSearch, cursor: string | undefined) {
  const api = useApiClient();
  return useQuery({
    queryKey: ['orders', kind, search, cursor ?? null],
    queryFn: ({ signal }) => {
      const init = { params: { query: { ...search, limit: ORDER_PAGE_SIZE, cursor } }, signal };
      return unwrap(
        kind === 'outbound' ? api.GET('/v1/outbound-orders', init) : api.GET('/v1/inbound-orders', init),
      );
    },
    placeholderData: keepPreviousData,
  });
}

interface OrderFilterFormProps {
  kind: OrderKind;
  search: OrderSearch;
  onSearch: (values: FormValues) => void;
  onReset: () => void;
}

function OrderFilterForm({ kind, search, onSearch, onReset }: OrderFilterFormProps) {
  return (
    <Form<FormValues>
      // Rebuilt from the URL whenever it changes elsewhere (the tab, Reset, the back button).
      key={JSON.stringify([kind, search])}
      layout="vertical"
      className="filter-form"
      initialValues={toFormValues(search)}
      onFinish={onSearch}
    >
      <Row gutter={16}>
        <Col xs={24} md={12} xl={6}>
          <Form.Item label="Status" name="status">
            <Select
              mode="multiple"
              allowClear
              placeholder="All statuses"
              options={ORDER_STATUSES[kind].map((status) => ({
                value: status,
                label: ORDER_STATUS_LABELS[status],
              }))}
            />
          </Form.Item>
        </Col>
        <Col xs={24} md={12} xl={6}>
          <Form.Item label="Warehouse" name="warehouse_code">
            <Input allowClear placeholder="GWMS warehouse code" />
          </Form.Item>
        </Col>
        <Col xs={24} md={12} xl={6}>
          <Form.Item label="Created Time" name="created">
            <DatePicker.RangePicker style={{ width: '100%' }} allowEmpty={[true, true]} />
          </Form.Item>
        </Col>
        <Col xs={24} md={12} xl={6}>
          <Form.Item label="Source" name="source">
            <Select
              allowClear
              placeholder="All sources"
              options={Object.entries(ORDER_SOURCE_LABELS).map(([value, label]) => ({ value, label }))}
            />
          </Form.Item>
        </Col>
      </Row>
      <div className="filter-form-buttons">
        <Space>
          <Button type="primary" htmlType="submit" icon={<SearchOutlined aria-hidden />}>
            Search
          </Button>
          <Button onClick={onReset}>Reset</Button>
        </Space>
      </div>
    </Form>
  );
}

function toFormValues(search: OrderSearch): FormValues {
  return {
    status: search.status?.split(',').filter(Boolean) as OrderStatus[] | undefined,
    warehouse_code: search.warehouse_code ?? undefined,
    created: [
      search.created_from ? dayjs(search.created_from) : null,
      search.created_to ? dayjs(search.created_to) : null,
    ],
    source: search.source ?? undefined,
  };
}

// Whole local days, sent as instants, as on the Sync Tasks page.
function toParams({ status, warehouse_code, created, source }: FormValues): Record<string, string> {
  const [from, to] = created ?? [null, null];
  const values: Record<string, string | undefined> = {
    status: status?.join(','),
    warehouse_code: warehouse_code?.trim(),
    created_from: from?.startOf('day').toISOString(),
    created_to: to?.endOf('day').toISOString(),
    source,
  };
  return Object.fromEntries(Object.entries(values).flatMap(([key, value]) => (value ? [[key, value]] : [])));
}
