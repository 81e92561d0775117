import { DownOutlined, QuestionCircleOutlined, UpOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Col, Row, Space, Tooltip, Typography, theme } from 'antd';
import { useState } from 'react';
import { Link, type To } from 'react-router';
import type { Overview, OverviewMetric } from '../api/types';
import { DateTime } from '../components/DateTime';
import { ErrorAlert } from '../components/ErrorAlert';
import { describeCardFilter } from './describeCardFilter';
import { MetricCard } from './MetricCard';
import { OVERVIEW_COLOUR_HELP, overviewColour } from './overviewColours';

interface TaskOverviewProps {
  overview: Overview | undefined;
  error: unknown;
  activeCardKey: string | null;
  onSelectCard: (metric: OverviewMetric) => void;
  onClearCard: (metric: OverviewMetric | undefined) => void;
  detailsLink: (taskId: string) => To;
}

/** Guide §2.2: counts by urgency, each a shortcut to the matching tasks. */
export function TaskOverview({
  overview,
  error,
  activeCardKey,
  onSelectCard,
  onClearCard,
  detailsLink,
}: TaskOverviewProps) {
  const [expanded, setExpanded] = useState(false);
  const metrics = [...(overview?.primary ?? []), ...(overview?.secondary ?? [])];
  const activeMetric = metrics.find((metric) => metric.key === activeCardKey);
  const cards = (list: OverviewMetric[]) => (
    <Row gutter={[12, 12]}>
      {list.map((metric) => (
        <Col key={metric.key} xs={24} sm={8}>
          <MetricCard metric={metric} active={metric.key === activeCardKey} onSelect={onSelectCard} />
        </Col>
      ))}
    </Row>
  );

  return (
    <Card
      size="small"
      title={
        <Space>
          Task Overview
          <Tooltip title={OVERVIEW_COLOUR_HELP}>
            <QuestionCircleOutlined aria-label="What the colours mean" />
          </Tooltip>
        </Space>
      }
      extra={
        <Button
          type="link"
          onClick={() => setExpanded(!expanded)}
          icon={expanded ? <UpOutlined aria-hidden /> : <DownOutlined aria-hidden />}
        >
          {expanded ? 'Collapse' : 'Expand'}
        </Button>
      }
    >
      <Space direction="vertical" size="middle" style={{ width: '100%' }}>
        {error ? <ErrorAlert error={error} title="The task overview could not be loaded" /> : null}
        {overview && cards(overview.primary)}
        {overview?.approximate && (
          <Typography.Text type="secondary">
            Counts are approximate: the created-time range holds more tasks than one overview counts. Narrow
            the range for exact numbers.
          </Typography.Text>
        )}
        {activeCardKey && (
          <Alert
            data-testid="filter-hint"
            type="info"
            showIcon
            message={
              <span>
                Filtered by <strong>{activeMetric?.label ?? activeCardKey}</strong>
                {activeMetric && ` — ${describeCardFilter(activeMetric.filter)}`}
              </span>
            }
            action={
              <Button size="small" onClick={() => onClearCard(activeMetric)}>
                Clear Filter
              </Button>
            }
          />
        )}
        {expanded && overview && (
          <>
            {cards(overview.secondary)}
            <OldestBacklogTask overview={overview} detailsLink={detailsLink} />
            {overview.reminders.map((reminder) => (
              <Alert key={reminder} type="warning" showIcon message={reminder} />
            ))}
          </>
        )}
      </Space>
    </Card>
  );
}

function OldestBacklogTask({
  overview,
  detailsLink,
}: {
  overview: Overview;
  detailsLink: (taskId: string) => To;
}) {
  const { token } = theme.useToken();
  const oldest = overview.oldest_waiting;
  if (!oldest) return <Typography.Text type="secondary">No backlog tasks.</Typography.Text>;
  return (
    <Typography.Text>
      Oldest backlog task: <Link to={detailsLink(oldest.task_id)}>{oldest.order_no ?? oldest.task_id}</Link>,
      created <DateTime value={oldest.created_at} />,{' '}
      <span style={{ color: overviewColour(oldest.colour, token) }}>waiting {oldest.waiting_hours} h</span>
    </Typography.Text>
  );
}
