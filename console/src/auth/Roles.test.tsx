import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { Me } from '../api/types';
import { fakeApi, type FakeApi } from '../test/fakeApi';
import {
  anAdmin,
  anOperator,
  anOverview,
  aProxySystem,
  aTask,
  aTaskDetail,
  aViewer,
  aWarehouseMapping,
} from '../test/fixtures';
import { renderConsole } from '../test/renderConsole';

function consoleApi(me: Me, extra: Parameters<typeof fakeApi>[0] = {}) {
  return fakeApi({
    'GET /v1/me': { body: me },
    'GET /v1/tasks': { body: { items: [aTask({ task_id: 'T-1', can_sync_now: true })], next_cursor: null } },
    'GET /v1/tasks/overview': { body: anOverview() },
    'GET /v1/tasks/:task_id': { body: aTaskDetail({ task_id: 'T-1', can_sync_now: true }) },
    'GET /v1/tasks/:task_id/request-logs': { body: { items: [] } },
    'GET /v1/proxy-systems': { body: { items: [aProxySystem()] } },
    'GET /v1/proxy-systems/:code/warehouse-mappings': { body: { items: [aWarehouseMapping()] } },
    'GET /v1/proxy-systems/:code/channel-mappings': {
      body: {
        items: [
          {
            system_code: 'HPK01',
            gwms_channel_code: 'UPS',
            proxy_channel_code: 'HPK-UPS',
            updated_at: '2026-06-04T08:00:00.000000Z',
          },
        ],
      },
    },
    'GET /v1/proxy-systems/:code/sku-mappings': {
      body: {
        items: [
          {
            system_code: 'HPK01',
            gsku: 'GSKU-2',
            status: 'failed',
            proxy_sku: null,
            last_error: 'missing name',
            last_attempt_at: null,
          },
        ],
      },
    },
    'GET /v1/onewarehouse/connections/:environment': { status: 404, body: { message: 'not configured' } },
    'GET /v1/onewarehouse/push-urls': { body: { items: [] } },
    ...extra,
  });
}

async function expectRefused(button: HTMLElement, reason: string) {
  expect(button).toBeDisabled();
  await userEvent.hover(button.parentElement!);
  await waitFor(() =>
    expect(screen.getAllByRole('tooltip').some((tip) => tip.textContent === reason)).toBe(true),
  );
  await userEvent.unhover(button.parentElement!);
}

const rowOf = (key: string) =>
  screen.findByText((_, element) => element?.getAttribute('data-row-key') === key);

async function openTab(name: string) {
  await userEvent.click(await screen.findByRole('tab', { name }));
}

describe('Who is signed in', () => {
  it('is in the header with the role, next to Sign out', async () => {
    renderConsole({ api: consoleApi(anAdmin()) });

    const header = await screen.findByRole('banner');
    await waitFor(() => expect(header).toHaveTextContent('operator@example.com'));
    expect(header).toHaveTextContent('admin');
    expect(within(header).getByRole('button', { name: 'Sign out' })).toBeEnabled();
  });

  it('is asked again after signing out, so the next user’s role is theirs', async () => {
    const api = consoleApi(anAdmin(), {
      'GET /v1/me': (call) => ({ body: call.authorization?.includes('viewer@') ? aViewer() : anAdmin() }),
    });
    renderConsole({ api });
    await waitFor(() => expect(screen.getByRole('banner')).toHaveTextContent('operator@example.com'));

    await userEvent.click(screen.getByRole('button', { name: 'Sign out' }));
    await userEvent.type(await screen.findByLabelText('Email'), 'viewer@example.com');
    await userEvent.type(screen.getByLabelText('Password'), 'Local-Pass-1');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));

    await waitFor(() => expect(screen.getByRole('banner')).toHaveTextContent('viewer@example.com'));
    expect(screen.getByRole('banner')).toHaveTextContent('viewer');
    expect(api.callsTo('GET', '/v1/me')).toHaveLength(2);
    const row = await rowOf('T-1');
    expect(within(row).getByRole('button', { name: 'Sync Now' })).toBeDisabled();
  });
});

describe('A viewer', () => {
  it('sees Sync Now disabled, in the list and in the details, with the reason on hover', async () => {
    const api = consoleApi(aViewer());
    renderConsole({ api, path: '/tasks/T-1' });

    const details = await screen.findByRole('dialog');
    await expectRefused(
      await within(details).findByRole('button', { name: 'Sync Now' }),
      'Your role (viewer) cannot run Sync Now',
    );
    const row = await rowOf('T-1');
    await expectRefused(
      within(row).getByRole('button', { name: 'Sync Now' }),
      'Your role (viewer) cannot run Sync Now',
    );
    expect(api.calls.filter((call) => call.method !== 'GET')).toHaveLength(0);
  });

  it('sees the configuration, Sync Inventory and Resync disabled', async () => {
    renderConsole({ api: consoleApi(aViewer()), path: '/proxy-systems/HPK01' });

    const systemsRefusal = 'Your role (viewer) cannot change proxy warehouse systems';
    await expectRefused(await screen.findByRole('button', { name: 'Add' }), systemsRefusal);
    const system = await rowOf('HPK01');
    await expectRefused(within(system).getByRole('button', { name: 'Edit' }), systemsRefusal);
    await expectRefused(within(system).getByRole('button', { name: 'Delete' }), systemsRefusal);

    const mapping = await rowOf('HPK-LA1');
    await expectRefused(
      within(mapping).getByRole('button', { name: 'Sync Inventory' }),
      'Your role (viewer) cannot run Sync Inventory',
    );
    await expectRefused(
      within(mapping).getByRole('button', { name: 'Edit' }),
      'Your role (viewer) cannot change warehouse mappings',
    );
    expect(screen.getByRole('button', { name: 'Add warehouse mapping' })).toBeDisabled();

    await openTab('Channel');
    const channel = await rowOf('UPS');
    await expectRefused(
      within(channel).getByRole('button', { name: 'Delete' }),
      'Your role (viewer) cannot change channel mappings',
    );
    expect(screen.getByRole('button', { name: 'Add channel mapping' })).toBeDisabled();

    await openTab('SKU');
    const sku = await rowOf('GSKU-2');
    await expectRefused(
      within(sku).getByRole('button', { name: 'Resync' }),
      'Your role (viewer) cannot run Resync',
    );
  });

  it('sees a OneWarehouse connection read-only', async () => {
    const stored = {
      environment: 'sandbox',
      app_key: 'ow-key',
      app_secret_set: true,
      callback_key_set: true,
      api_base_url: 'https://sandbox.onewarehouse.example',
      verify_mode: 'log',
      allowed_ips: [],
      owner_map: {},
      warehouse_map: {},
      active: true,
      created_at: '2026-06-01T00:00:00.000000Z',
      updated_at: '2026-06-01T00:00:00.000000Z',
    };
    renderConsole({
      api: consoleApi(aViewer(), {
        'GET /v1/onewarehouse/connections/:environment': ({ path }) =>
          path.endsWith('/sandbox') ? { body: stored } : { status: 404, body: { message: 'not configured' } },
      }),
      path: '/onewarehouse/sandbox',
    });

    expect(await screen.findByLabelText('App key')).toHaveValue('ow-key');
    expect(screen.getByLabelText('App key')).toBeDisabled();
    const refusal = 'Your role (viewer) cannot change OneWarehouse connections';
    await expectRefused(screen.getByRole('button', { name: 'Save' }), refusal);

    await openTab('Production');
    await expectRefused(await screen.findByRole('button', { name: 'Configure' }), refusal);
  });
});

describe('An operator', () => {
  it('may run Sync Now but not change the configuration', async () => {
    renderConsole({ api: consoleApi(anOperator()), path: '/proxy-systems/HPK01' });

    await expectRefused(
      await screen.findByRole('button', { name: 'Add' }),
      'Your role (operator) cannot change proxy warehouse systems',
    );
    expect(within(await rowOf('HPK-LA1')).getByRole('button', { name: 'Sync Inventory' })).toBeEnabled();
    expect(within(await rowOf('HPK-LA1')).getByRole('button', { name: 'Delete' })).toBeDisabled();
  });

  it('is told the API’s reason when the API refuses the role anyway', async () => {
    const api = consoleApi(anOperator(), {
      'POST /v1/tasks/:task_id/sync-now': {
        status: 403,
        body: { message: 'Your role (viewer) cannot run Sync Now' },
      },
    });
    renderConsole({ api });

    await userEvent.click(within(await rowOf('T-1')).getByRole('button', { name: 'Sync Now' }));
    await userEvent.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'OK' }));

    expect(await screen.findByText('Your role (viewer) cannot run Sync Now')).toBeInTheDocument();
  });
});

describe('An admin', () => {
  async function expectEnabled(api: FakeApi) {
    renderConsole({ api, path: '/proxy-systems/HPK01' });
    expect(await screen.findByRole('button', { name: 'Add' })).toBeEnabled();
    const system = await rowOf('HPK01');
    expect(within(system).getByRole('button', { name: 'Edit' })).toBeEnabled();
    expect(within(system).getByRole('button', { name: 'Delete' })).toBeEnabled();
    const mapping = await rowOf('HPK-LA1');
    for (const name of ['Sync Inventory', 'Edit', 'Delete'])
      expect(within(mapping).getByRole('button', { name })).toBeEnabled();
    expect(screen.getByRole('button', { name: 'Add warehouse mapping' })).toBeEnabled();
    await openTab('Channel');
    expect(within(await rowOf('UPS')).getByRole('button', { name: 'Edit' })).toBeEnabled();
    expect(screen.getByRole('button', { name: 'Add channel mapping' })).toBeEnabled();
  }

  it('sees the configuration controls enabled', async () => {
    await expectEnabled(consoleApi(anAdmin()));
  });

  it('may configure a OneWarehouse connection', async () => {
    renderConsole({ api: consoleApi(anAdmin()), path: '/onewarehouse/sandbox' });

    await userEvent.click(await screen.findByRole('button', { name: 'Configure' }));

    expect(screen.getByLabelText('App key')).toBeEnabled();
    expect(screen.getByRole('button', { name: 'Save' })).toBeEnabled();
  });
});
