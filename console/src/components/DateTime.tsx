import { Tooltip, Typography } from 'antd';
import { formatLocalTime } from './time';

/** Local time on screen, the API's UTC value on hover. */
export function DateTime({ value }: { value: string | null | undefined }) {
  if (!value) return <Typography.Text type="secondary">—</Typography.Text>;
  const local = formatLocalTime(value);
  if (!local) return <span>{value}</span>;
  return (
    <Tooltip title={`UTC ${value}`}>
      <time dateTime={value}>{local}</time>
    </Tooltip>
  );
}
