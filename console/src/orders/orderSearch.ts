import type { paths } from '../api/schema';
import type { OrderKind, OrderStatus } from '../api/types';
import { ORDER_STATUSES } from './orderLabels';

export type OrderSearch = NonNullable<paths['/v1/inbound-orders']['get']['parameters']['query']>;

const SEARCH_KEYS = ['status', 'warehouse_code', 'created_from', 'created_to', 'source'] as const;

/** The order filters, as the URL query string carries them (statuses joined by commas, as the API takes them). */
export function readOrderSearch(params: URLSearchParams): Omit<OrderSearch, 'limit' | 'cursor'> {
  const search: Record<string, string> = {};
  for (const key of SEARCH_KEYS) {
    const value = params.get(key);
    if (value) search[key] = value;
  }
  return search;
}

/** Switching Inbound/Outbound keeps the filters, less the statuses the other kind never has. */
export function searchForKind(params: URLSearchParams, kind: OrderKind): URLSearchParams {
  const next = new URLSearchParams(params);
  const statuses = (params.get('status') ?? '')
    .split(',')
    .filter((status) => ORDER_STATUSES[kind].includes(status as OrderStatus));
  if (statuses.length) next.set('status', statuses.join(','));
  else next.delete('status');
  return next;
}
