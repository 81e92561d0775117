import { SearchOutlined } from '@ant-design/icons';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Button, Card, Col, DatePicker, Empty, Form, Input, Row, Space, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useSearchParams } from 'react-router';
import { useApiClient } from '../api/client';
import { unwrap } from '../api/errors';
import type { paths } from '../api/schema';
import { CursorPager } from '../components/CursorPager';
import { ErrorAlert } from '../components/ErrorAlert';
import { RequestLogTable } from '../components/RequestLogTable';
import { useCursorPages } from '../components/useCursorPages';
import { PageHeader } from '../layout/PageHeader';

type LogSearch = NonNullable<paths['/v1/request-logs']['get']['parameters']['query']>;

const SEARCH_KEYS = ['system_code', 'warehouse_code', 'order_no', 'recorded_from', 'recorded_to'] as const;
const LOG_PAGE_SIZE = 20;
export const DEFAULT_RANGE_NOTE =
  'Without a system code, warehouse code or order number, only the last 24 hours are searched.';

interface FormValues {
  system_code?: string;
  warehouse_code?: string;
  order_no?: string;
  recorded?: [Dayjs | null, Dayjs | null] | null;
}

/** GWMS > Proxy Warehouse > Logs: every HTTP exchange with proxy warehouses and OneWarehouse, newest first. */
export function LogsPage() {
  const api = useApiClient();
  const [params, setParams] = useSearchParams();
  const search = readSearch(params);
  const pages = useCursorPages(JSON.stringify(search));
  const logs = useQuery({
    queryKey: ['request-logs', search, pages.cursor ?? null],
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/v1/request-logs', {
          params: { query: { ...search, limit: LOG_PAGE_SIZE, cursor: pages.cursor } },
          signal,
        }),
      ),
    placeholderData: keepPreviousData,
  });

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <PageHeader title="Logs" />
      <Card size="small">
        <Form<FormValues>
          key={JSON.stringify(search)}
          layout="vertical"
          className="filter-form"
          initialValues={toFormValues(search)}
          onFinish={(values) => setParams(toParams(values))}
        >
          <Row gutter={16}>
            <Col xs={24} md={12} xl={6}>
              <Form.Item label="System code" name="system_code">
                <Input allowClear placeholder="e.g. HPK01 or ONEWAREHOUSE-sandbox" />
              </Form.Item>
            </Col>
            <Col xs={24} md={12} xl={6}>
              <Form.Item label="Warehouse code" name="warehouse_code">
                <Input allowClear />
              </Form.Item>
            </Col>
            <Col xs={24} md={12} xl={6}>
              <Form.Item label="Order No." name="order_no">
                <Input allowClear />
              </Form.Item>
            </Col>
            <Col xs={24} md={12} xl={6}>
              <Form.Item label="Recorded time" name="recorded">
                <DatePicker.RangePicker showTime style={{ width: '100%' }} allowEmpty={[true, true]} />
              </Form.Item>
            </Col>
          </Row>
          <div className="filter-form-footer">
            <Typography.Text type="secondary">{DEFAULT_RANGE_NOTE}</Typography.Text>
            <Space>
              <Button type="primary" htmlType="submit" icon={<SearchOutlined aria-hidden />}>
                Search
              </Button>
              <Button onClick={() => setParams({})}>Reset</Button>
            </Space>
          </div>
        </Form>
      </Card>
      <Card size="small">
        <Space direction="vertical" size="middle" style={{ width: '100%' }}>
          {logs.error && <ErrorAlert error={logs.error} title="The request logs could not be loaded" />}
          <RequestLogTable
            logs={logs.data?.items ?? []}
            loading={logs.isFetching}
            showRouting
            emptyText={
              <Empty description="No requests recorded for this search. Widen the time range or clear a filter." />
            }
          />
          <CursorPager pages={pages} nextCursor={logs.data?.next_cursor} loading={logs.isPlaceholderData} />
        </Space>
      </Card>
    </Space>
  );
}

function readSearch(params: URLSearchParams): LogSearch {
  return Object.fromEntries(SEARCH_KEYS.flatMap((key) => (params.get(key) ? [[key, params.get(key)]] : [])));
}

function toFormValues(search: LogSearch): FormValues {
  const { recorded_from, recorded_to, ...codes } = search;
  return {
    ...codes,
    recorded: [recorded_from ? dayjs(recorded_from) : null, recorded_to ? dayjs(recorded_to) : null],
  } as FormValues;
}

function toParams({ recorded, ...codes }: FormValues): Record<string, string> {
  const [from, to] = recorded ?? [null, null];
  const values: Record<string, string | undefined> = {
    ...codes,
    recorded_from: from?.toISOString(),
    recorded_to: to?.toISOString(),
  };
  return Object.fromEntries(
    Object.entries(values).flatMap(([key, value]) => (value?.trim() ? [[key, value.trim()]] : [])),
  );
}
