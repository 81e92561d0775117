import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { OrderListItem } from '../api/types';
import { fakeApi } from '../test/fakeApi';
import { anOverview, aTask } from '../test/fixtures';
import { renderConsole } from '../test/renderConsole';

function anOrder(overrides: Partial<OrderListItem> = {}): OrderListItem {
  return {
    order_no: 'IN-1001',
    kind: 'inbound',
    order_type: 'purchase',
    status: 'pushed',
    warehouse_code: 'GW-LA',
    proxy_order_no: 'HPK-IN-77',
    source: 'gwms',
    created_at: '2026-06-04T08:32:00.000000Z',
    updated_at: '2026-06-04T09:02:00.000000Z',
    ...overrides,
  };
}

const shipped = anOrder({
  order_no: 'OUT-7',
  kind: 'outbound',
  order_type: 'drop_shipping',
  status: 'shipped',
  proxy_order_no: null,
  source: 'onewarehouse',
});

function ordersApi() {
  return fakeApi({
    'GET /v1/inbound-orders': (call) =>
      call.query.get('cursor') === 'page-3'
        ? { body: { items: [anOrder({ order_no: 'IN-0900', status: 'put_away' })], next_cursor: null } }
        : call.query.get('cursor') === 'page-2'
          ? { body: { items: [], next_cursor: 'page-3' } }
          : { body: { items: [anOrder()], next_cursor: 'page-2' } },
    'GET /v1/outbound-orders': { body: { items: [shipped], next_cursor: null } },
    'GET /v1/tasks': {
      body: { items: [aTask({ task_id: 'T-1001', order_no: 'IN-1001' })], next_cursor: null },
    },
    'GET /v1/tasks/overview': { body: anOverview() },
  });
}

const rowOf = (key: string) =>
  screen.findByText(
    (_, element) => element?.tagName === 'TR' && element.getAttribute('data-row-key') === key,
  );

describe('Orders', () => {
  it('is in the menu and lists inbound orders with the guide’s columns', async () => {
    const api = ordersApi();
    renderConsole({ api });

    await userEvent.click(await screen.findByRole('link', { name: 'Orders' }));

    const row = await rowOf('IN-1001');
    expect(screen.getByRole('tab', { name: 'Inbound' })).toHaveAttribute('aria-selected', 'true');
    const headers = within(screen.getByRole('table')).getAllByRole('columnheader');
    expect(headers.map((header) => header.textContent)).toEqual([
      'Order No.',
      'Type',
      'Status',
      'Warehouse',
      'Proxy Order No.',
      'Source',
      'Created',
      'Updated',
    ]);
    expect([...row.querySelectorAll('td')].map((cell) => cell.textContent)).toEqual([
      'IN-1001',
      'Purchase',
      'Pushed',
      'GW-LA',
      'HPK-IN-77',
      'GWMS',
      '2026-06-04 16:32:00',
      '2026-06-04 17:02:00',
    ]);
    expect(within(row).getByText('Pushed')).toHaveClass('ant-tag-processing');
    expect(api.callsTo('GET', '/v1/inbound-orders')[0].query.get('limit')).toBe('20');
  });

  it('links each order to its sync tasks', async () => {
    const api = ordersApi();
    renderConsole({ api, path: '/orders' });

    const link = within(await rowOf('IN-1001')).getByRole('link', { name: 'IN-1001' });
    expect(link).toHaveAttribute('href', '/tasks?order_no=IN-1001');
    await userEvent.click(link);

    expect(await rowOf('T-1001')).toBeInTheDocument();
    expect(screen.getByLabelText('Order No.')).toHaveValue('IN-1001');
    await waitFor(() =>
      expect(api.callsTo('GET', '/v1/tasks').at(-1)?.query.get('order_no')).toBe('IN-1001'),
    );
  });

  it('searches by what the URL holds, on the outbound tab', async () => {
    const api = ordersApi();
    renderConsole({
      api,
      path: '/orders/outbound?status=shipped,exception&warehouse_code=GW-LA&source=onewarehouse',
    });

    const row = await rowOf('OUT-7');
    expect(within(row).getByText('Drop shipping')).toBeInTheDocument();
    expect(within(row).getByText('OneWarehouse')).toBeInTheDocument();
    expect(screen.getByRole('tab', { name: 'Outbound' })).toHaveAttribute('aria-selected', 'true');
    const query = api.callsTo('GET', '/v1/outbound-orders')[0].query;
    expect(query.get('status')).toBe('shipped,exception');
    expect(query.get('warehouse_code')).toBe('GW-LA');
    expect(query.get('source')).toBe('onewarehouse');
    expect(screen.getByLabelText('Warehouse')).toHaveValue('GW-LA');
    expect(
      screen.getByText('Shipped', { selector: '.ant-select-selection-item-content' }),
    ).toBeInTheDocument();
    expect(api.callsTo('GET', '/v1/inbound-orders')).toHaveLength(0);
  });

  it('puts the filters in the URL on Search, and keeps them across tabs, less the other kind’s statuses', async () => {
    const api = ordersApi();
    renderConsole({ api, path: '/orders?status=put_away,cancelled' });
    await rowOf('IN-1001');

    await userEvent.type(screen.getByLabelText('Warehouse'), ' GW-NY ');
    await userEvent.click(screen.getByRole('button', { name: 'Search' }));

    await waitFor(() =>
      expect(screen.getByTestId('current-location')).toHaveTextContent(
        /^\/orders\?status=put_away%2Ccancelled&warehouse_code=GW-NY$/,
      ),
    );
    await waitFor(() =>
      expect(api.callsTo('GET', '/v1/inbound-orders').at(-1)?.query.get('warehouse_code')).toBe('GW-NY'),
    );

    await userEvent.click(screen.getByRole('tab', { name: 'Outbound' }));

    expect(screen.getByTestId('current-location')).toHaveTextContent(
      /^\/orders\/outbound\?status=cancelled&warehouse_code=GW-NY$/,
    );
    await waitFor(() =>
      expect(api.callsTo('GET', '/v1/outbound-orders').at(-1)?.query.get('status')).toBe('cancelled'),
    );
  });

  it('follows the cursor through short and empty pages', async () => {
    const api = ordersApi();
    renderConsole({ api, path: '/orders/inbound' });
    await rowOf('IN-1001');
    const more =
      'This page holds fewer orders than a full page, but more may match: use Next to keep looking.';
    expect(screen.getByText(more)).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: /Next/ }));
    // An empty page that still has a cursor is not the end.
    expect(await screen.findByText(more)).toBeInTheDocument();
    expect(screen.queryByText('No orders match these filters.')).not.toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: /Next/ }));
    expect(await rowOf('IN-0900')).toBeInTheDocument();
    expect(screen.queryByText(more)).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: /Next/ })).toBeDisabled();
    expect(api.callsTo('GET', '/v1/inbound-orders').map((call) => call.query.get('cursor'))).toEqual([
      null,
      'page-2',
      'page-3',
    ]);
  });
});
