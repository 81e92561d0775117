import { Card, Statistic, theme } from 'antd';
import type { OverviewMetric } from '../api/types';
import { overviewColour } from './overviewColours';

interface MetricCardProps {
  metric: OverviewMetric;
  active: boolean;
  onSelect: (metric: OverviewMetric) => void;
}

/** One overview count; clicking it applies the filter the API attached to it. */
export function MetricCard({ metric, active, onSelect }: MetricCardProps) {
  const { token } = theme.useToken();
  const colour = overviewColour(metric.colour, token);
  return (
    <Card
      size="small"
      hoverable
      role="button"
      tabIndex={0}
      aria-pressed={active}
      data-testid={`overview-card-${metric.key}`}
      data-colour={metric.colour}
      className={active ? 'metric-card metric-card-active' : 'metric-card'}
      style={{ borderTop: `3px solid ${colour ?? token.colorBorder}` }}
      onClick={() => onSelect(metric)}
      onKeyDown={(event) => {
        if (event.key === 'Enter' || event.key === ' ') {
          event.preventDefault();
          onSelect(metric);
        }
      }}
    >
      <Statistic title={metric.label} value={metric.count} valueStyle={{ color: colour }} />
    </Card>
  );
}
