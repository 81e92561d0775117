import { Tag } from 'antd';

export function HttpStatusTag({ status }: { status: number | null }) {
  if (status === null) return <Tag color="error">No response</Tag>;
  const colour = status < 300 ? 'success' : status < 500 ? 'warning' : 'error';
  return <Tag color={colour}>{status}</Tag>;
}
