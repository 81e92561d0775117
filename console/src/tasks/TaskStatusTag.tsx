import { Tag } from 'antd';
import type { TaskStatus } from '../api/types';
import { TASK_STATUS_LABELS, TASK_STATUS_TAG_COLOURS } from './taskLabels';

export function TaskStatusTag({ status }: { status: TaskStatus }) {
  return <Tag color={TASK_STATUS_TAG_COLOURS[status]}>{TASK_STATUS_LABELS[status]}</Tag>;
}
