import type { OrderKind, OrderStatus } from '../api/types';

export const ORDER_KIND_LABELS: Record<OrderKind, string> = { inbound: 'Inbound', outbound: 'Outbound' };

export const ORDER_STATUS_LABELS: Record<OrderStatus, string> = {
  created: 'Created',
  pushed: 'Pushed',
  received: 'Received',
  put_away: 'Put away',
  shipped: 'Shipped',
  exception: 'Exception',
  cancelling: 'Cancelling',
  cancelled: 'Cancelled',
};

/** The statuses each kind of order goes through (models/orders.py), in their order. */
export const ORDER_STATUSES: Record<OrderKind, OrderStatus[]> = {
  inbound: ['created', 'pushed', 'received', 'put_away', 'cancelling', 'cancelled'],
  outbound: ['created', 'pushed', 'shipped', 'exception', 'cancelling', 'cancelled'],
};

/** Tag colours: at the proxy warehouse blue, done green, a problem red, cancelling yellow, cancelled grey. */
export const ORDER_STATUS_COLOURS: Record<OrderStatus, string | undefined> = {
  created: undefined,
  pushed: 'processing',
  received: 'cyan',
  put_away: 'success',
  shipped: 'success',
  exception: 'error',
  cancelling: 'gold',
  cancelled: '#8c8c8c',
};

const ORDER_TYPE_LABELS: Record<string, string> = {
  purchase: 'Purchase',
  return: 'Return',
  drop_shipping: 'Drop shipping',
  transfer_staging: 'Transfer staging',
};

export function orderTypeLabel(orderType: string): string {
  return ORDER_TYPE_LABELS[orderType] ?? orderType;
}

export const ORDER_SOURCE_LABELS: Record<string, string> = { gwms: 'GWMS', onewarehouse: 'OneWarehouse' };
