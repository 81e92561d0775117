import { SearchOutlined } from '@ant-design/icons';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Button, Card, Col, DatePicker, Empty, Form, Input, Row, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import dayjs, { type Dayjs } from 'dayjs';
import { useSearchParams } from 'react-router';
import { useApiClient } from '../api/client';
import { unwrap } from '../api/errors';
import type { paths } from '../api/schema';
import type { AuditActor, AuditEvent } from '../api/types';
import { CursorPager } from '../components/CursorPager';
import { DateTime } from '../components/DateTime';
import { ErrorAlert } from '../components/ErrorAlert';
import { useCursorPages } from '../components/useCursorPages';
import { PageHeader } from '../layout/PageHeader';

type AuditSearch = NonNullable<paths['/v1/audit-events']['get']['parameters']['query']>;

const SEARCH_KEYS = ['actor', 'target', 'from', 'to'] as const;
const AUDIT_PAGE_SIZE = 20;
export const NO_AUDIT_EVENTS_TEXT =
  'No recorded changes match this search. Widen the time range or clear a filter.';

const DOOR_LABELS: Record<AuditActor['door'], string> = { operator: 'Operator', gwms: 'GWMS' };

interface FormValues {
  actor?: string;
  target?: string;
  recorded?: [Dayjs | null, Dayjs | null] | null;
}

/** GWMS > Proxy Warehouse > Audit: every state-changing call, who made it and how it ended, newest first. */
export function AuditPage() {
  const api = useApiClient();
  const [params, setParams] = useSearchParams();
  const search = readSearch(params);
  const pages = useCursorPages(JSON.stringify(search));
  const events = useQuery({
    queryKey: ['audit-events', search, pages.cursor ?? null],
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/v1/audit-events', {
          params: { query: { ...search, limit: AUDIT_PAGE_SIZE, cursor: pages.cursor } },
          signal,
        }),
      ),
    placeholderData: keepPreviousData,
  });

  const columns: ColumnsType<AuditEvent> = [
    {
      title: 'When',
      dataIndex: 'recorded_at',
      width: 160,
      render: (at: string) => <DateTime value={at} />,
    },
    { title: 'Who', key: 'actor', width: 240, render: (_, event) => <ActorCell actor={event.actor} /> },
    {
      title: 'Action',
      key: 'action',
      minWidth: 280,
      render: (_, event) => (
        <div className="cell-lines">
          <span>{event.action}</span>
          <Typography.Text type="secondary" className="audit-request-line">
            {event.method} {event.path}
          </Typography.Text>
        </div>
      ),
    },
    { title: 'Target', dataIndex: 'target', width: 180 },
    {
      title: 'Outcome',
      dataIndex: 'status',
      width: 90,
      render: (status: number) => <OutcomeTag status={status} />,
    },
    {
      title: 'Request ID',
      dataIndex: 'request_id',
      width: 160,
      render: (requestId: string | null) =>
        requestId ? (
          <Typography.Text copyable ellipsis={{ tooltip: requestId }} style={{ maxWidth: 140 }}>
            {requestId}
          </Typography.Text>
        ) : (
          <Typography.Text type="secondary">—</Typography.Text>
        ),
    },
  ];

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <PageHeader title="Audit" />
      <Card size="small">
        <Form<FormValues>
          key={JSON.stringify(search)}
          layout="vertical"
          className="filter-form"
          initialValues={toFormValues(search)}
          onFinish={(values) => setParams(toParams(values))}
        >
          <Row gutter={16}>
            <Col xs={24} md={12} xl={8}>
              <Form.Item label="Actor" name="actor">
                <Input allowClear placeholder="Email or IAM ARN" />
              </Form.Item>
            </Col>
            <Col xs={24} md={12} xl={8}>
              <Form.Item label="Target" name="target">
                <Input allowClear placeholder="e.g. task T-1001 or proxy system HPK01" />
              </Form.Item>
            </Col>
            <Col xs={24} md={12} xl={8}>
              <Form.Item label="Time range" name="recorded">
                <DatePicker.RangePicker showTime style={{ width: '100%' }} allowEmpty={[true, true]} />
              </Form.Item>
            </Col>
          </Row>
          <div className="filter-form-buttons">
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
          {events.error && <ErrorAlert error={events.error} title="The audit trail could not be loaded" />}
          <Table<AuditEvent>
            rowKey="event_id"
            size="middle"
            columns={columns}
            dataSource={events.data?.items ?? []}
            loading={events.isFetching}
            pagination={false}
            scroll={{ x: 1110 }}
            locale={{ emptyText: <Empty description={NO_AUDIT_EVENTS_TEXT} /> }}
          />
          <CursorPager
            pages={pages}
            nextCursor={events.data?.next_cursor}
            loading={events.isPlaceholderData}
          />
        </Space>
      </Card>
    </Space>
  );
}

function ActorCell({ actor }: { actor: AuditActor }) {
  return (
    <Space size={6} wrap>
      <Tag color={actor.door === 'operator' ? 'blue' : 'purple'}>{DOOR_LABELS[actor.door]}</Tag>
      <Typography.Text className="audit-actor">{actor.email ?? actor.subject}</Typography.Text>
    </Space>
  );
}

/** The call's HTTP status: 2xx green, 4xx orange, 5xx red. */
export function OutcomeTag({ status }: { status: number }) {
  const colour = status < 300 ? 'green' : status < 400 ? 'blue' : status < 500 ? 'orange' : 'red';
  return <Tag color={colour}>{status}</Tag>;
}

function readSearch(params: URLSearchParams): AuditSearch {
  return Object.fromEntries(SEARCH_KEYS.flatMap((key) => (params.get(key) ? [[key, params.get(key)]] : [])));
}

function toFormValues({ actor, target, from, to }: AuditSearch): FormValues {
  return {
    actor: actor ?? undefined,
    target: target ?? undefined,
    recorded: [from ? dayjs(from) : null, to ? dayjs(to) : null],
  };
}

function toParams({ recorded, actor, target }: FormValues): Record<string, string> {
  const [from, to] = recorded ?? [null, null];
  const values: Record<string, string | undefined> = {
    actor,
    target,
    from: from?.toISOString(),
    to: to?.toISOString(),
  };
  return Object.fromEntries(
    Object.entries(values).flatMap(([key, value]) => (value?.trim() ? [[key, value.trim()]] : [])),
  );
}
