import { TASK_STATUS_LABELS } from './taskLabels';
import type { TaskStatus } from '../api/types';

/** A card's filter in operator words: `{"status": "pending,waiting"}` → "Status: Pending, Waiting". */
export function describeCardFilter(filter: Record<string, string>): string {
  return Object.entries(filter)
    .map(([key, value]) => {
      if (key === 'status') {
        const labels = value.split(',').map((status) => TASK_STATUS_LABELS[status as TaskStatus] ?? status);
        return `Status: ${labels.join(', ')}`;
      }
      if (key === 'overdue') return 'Missed their execution time';
      if (key === 'updated_from') return `Updated since ${value} (UTC)`;
      return `${key}: ${value}`;
    })
    .join(' · ');
}
