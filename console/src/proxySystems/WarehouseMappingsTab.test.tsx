import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { ProxySystem, WarehouseMapping } from '../api/types';
import { fakeApi, type FakeReply } from '../test/fakeApi';
import { aWarehouseMapping } from '../test/fixtures';
import { renderConsole } from '../test/renderConsole';

const hpk: ProxySystem = {
  code: 'HPK01',
  name: 'Hipacking LA',
  system_type: 'HPK',
  api_endpoint: 'http://test.hipacking.cn',
  account: 'demo',
  version: '5',
  enabled: true,
  password_set: true,
  created_at: '2026-06-01T00:00:00.000000Z',
  updated_at: '2026-06-01T00:00:00.000000Z',
};

const incomplete = aWarehouseMapping({
  proxy_warehouse_code: 'HPK-NJ1',
  gwms_warehouse_code: 'GW-NJ',
  virtual_putaway_location: null,
  complete: false,
  missing: ['virtual_putaway_location'],
});

function mappingsApi(
  mappings: WarehouseMapping[],
  inventorySync: FakeReply = { status: 202, body: { task_id: 'T-INV-9' } },
) {
  return fakeApi({
    'GET /v1/proxy-systems': { body: { items: [hpk] } },
    'GET /v1/proxy-systems/:code/warehouse-mappings': { body: { items: mappings } },
    'POST /v1/proxy-systems/:code/warehouse-mappings/:pwc/inventory-sync': inventorySync,
  });
}

function rowOf(proxyWarehouseCode: string) {
  return screen.findByText((_, element) => element?.getAttribute('data-row-key') === proxyWarehouseCode);
}

describe('Warehouse mappings', () => {
  it('names the missing location and disables Sync Inventory with the reason on hover', async () => {
    renderConsole({ api: mappingsApi([aWarehouseMapping(), incomplete]), path: '/proxy-systems/HPK01' });

    const row = await rowOf('HPK-NJ1');
    expect(within(row).getByText('Virtual putaway location not configured')).toBeInTheDocument();
    const syncInventory = within(row).getByRole('button', { name: 'Sync Inventory' });
    expect(syncInventory).toBeDisabled();

    await userEvent.hover(syncInventory.parentElement!);

    expect(await screen.findByRole('tooltip')).toHaveTextContent(
      'Inventory sync cannot be triggered: Virtual putaway location not configured',
    );
    expect(within(await rowOf('HPK-LA1')).getByRole('button', { name: 'Sync Inventory' })).toBeEnabled();
  });

  it('names both locations when both are missing', async () => {
    const bare = aWarehouseMapping({
      virtual_putaway_location: null,
      defective_location: null,
      complete: false,
      missing: ['virtual_putaway_location', 'defective_location'],
    });
    renderConsole({ api: mappingsApi([bare]), path: '/proxy-systems/HPK01' });

    const row = await rowOf('HPK-LA1');
    expect(within(row).getByText('Virtual putaway location not configured')).toBeInTheDocument();
    expect(within(row).getByText('Defective location not configured')).toBeInTheDocument();
  });

  it('starts an inventory sync and links to the new task', async () => {
    const api = mappingsApi([aWarehouseMapping()]);
    renderConsole({ api, path: '/proxy-systems/HPK01' });

    await userEvent.click(within(await rowOf('HPK-LA1')).getByRole('button', { name: 'Sync Inventory' }));
    await userEvent.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'OK' }));

    expect(await screen.findByRole('link', { name: 'Open the task details' })).toHaveAttribute(
      'href',
      '/tasks/T-INV-9',
    );
    expect(
      api.callsTo('POST', '/v1/proxy-systems/HPK01/warehouse-mappings/HPK-LA1/inventory-sync'),
    ).toHaveLength(1);
  });

  it('shows the API’s refusal of an inventory sync', async () => {
    const api = mappingsApi([aWarehouseMapping()], {
      status: 409,
      body: { message: 'An inventory sync is already running for GW-LA' },
    });
    renderConsole({ api, path: '/proxy-systems/HPK01' });

    await userEvent.click(within(await rowOf('HPK-LA1')).getByRole('button', { name: 'Sync Inventory' }));
    await userEvent.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'OK' }));

    await waitFor(() =>
      expect(screen.getByText('An inventory sync is already running for GW-LA')).toBeInTheDocument(),
    );
  });
});
