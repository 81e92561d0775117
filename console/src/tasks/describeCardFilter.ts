import type { BusinessType, TaskStatus, TaskType } from '../api/types';
import { formatLocalTime } from '../components/time';
import { BUSINESS_TYPE_LABELS, TASK_STATUS_LABELS, TASK_TYPE_LABELS } from './taskLabels';

/** A card's (or the list's) filter in operator words: `{"status": "pending,waiting"}` → "Status: Pending, Waiting". */
export function describeCardFilter(filter: Record<string, string>): string {
  return Object.entries(filter)
    .map(([key, value]) => {
      if (key === 'status') {
        const labels = value.split(',').map((status) => TASK_STATUS_LABELS[status as TaskStatus] ?? status);
        return `Status: ${labels.join(', ')}`;
      }
      if (key === 'overdue') return 'Missed their execution time';
      if (key === 'updated_from') return `Updated since ${value} (UTC)`;
      if (key === 'business_type')
        return `Business type: ${BUSINESS_TYPE_LABELS[value as BusinessType] ?? value}`;
      if (key === 'task_type') return `Task type: ${TASK_TYPE_LABELS[value as TaskType] ?? value}`;
      if (key === 'warehouse_code') return `Warehouse: ${value}`;
      if (key === 'order_no') return `Order No.: ${value}`;
      if (key === 'created_from') return `Created from ${formatLocalTime(value) ?? value}`;
      if (key === 'created_to') return `Created to ${formatLocalTime(value) ?? value}`;
      return `${key}: ${value}`;
    })
    .join(' · ');
}
