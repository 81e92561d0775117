import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { Connection } from '../api/types';
import { fakeApi } from '../test/fakeApi';
import { renderConsole } from '../test/renderConsole';

const sandbox: Connection = {
  environment: 'sandbox',
  app_key: 'ow-key',
  app_secret_set: true,
  callback_key_set: true,
  api_base_url: 'https://sandbox.onewarehouse.example',
  verify_mode: 'log',
  allowed_ips: ['203.0.113.10'],
  owner_map: { OW01: 'CUST-001' },
  warehouse_map: { OWLA: 'GW-LA' },
  active: true,
  created_at: '2026-06-01T00:00:00.000000Z',
  updated_at: '2026-06-01T00:00:00.000000Z',
};

const pushUrls = {
  items: [
    'products',
    'purchase_inbound',
    'return_inbound',
    'inbound_cancel',
    'outbound',
    'outbound_cancel',
  ].map((topic) => ({ topic, url: `https://api.example.com/onewarehouse/${topic.replace('_', '-')}` })),
};

describe('OneWarehouse', () => {
  it('offers to configure an environment the API does not know yet, secrets required', async () => {
    const api = fakeApi({
      'GET /v1/onewarehouse/connections/:environment': {
        status: 404,
        body: { message: 'OneWarehouse production connection not configured' },
      },
      'GET /v1/onewarehouse/push-urls': { body: pushUrls },
    });
    renderConsole({ api, path: '/onewarehouse/production' });

    expect(
      await screen.findByText('The OneWarehouse production connection is not configured.'),
    ).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Configure' }));
    await userEvent.type(screen.getByLabelText('App key'), 'prod-key');
    await userEvent.type(screen.getByLabelText('API base URL'), 'https://openapi.onewarehouse.example');
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));

    expect(await screen.findAllByText('Required for a new connection')).toHaveLength(2);
    expect(api.callsTo('PUT', '/v1/onewarehouse/connections/production')).toHaveLength(0);
  });

  it('keeps the stored secrets unless new ones are typed, and sends the maps as objects', async () => {
    const api = fakeApi({
      'GET /v1/onewarehouse/connections/:environment': { body: sandbox },
      'PUT /v1/onewarehouse/connections/:environment': { body: sandbox },
      'GET /v1/onewarehouse/push-urls': { body: pushUrls },
    });
    renderConsole({ api, path: '/onewarehouse/sandbox' });

    const appSecret = await screen.findByLabelText(/App secret/);
    expect(appSecret).toHaveAttribute('placeholder', 'Leave blank to keep the current value');
    expect(screen.getAllByText('Set')).not.toHaveLength(0);
    await userEvent.type(screen.getByLabelText('Allowed IPs'), '\n198.51.100.0/24');
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));

    await waitFor(() => expect(api.callsTo('PUT', '/v1/onewarehouse/connections/sandbox')).toHaveLength(1));
    expect(api.callsTo('PUT', '/v1/onewarehouse/connections/sandbox')[0].body).toEqual({
      app_key: 'ow-key',
      api_base_url: 'https://sandbox.onewarehouse.example',
      verify_mode: 'log',
      allowed_ips: ['203.0.113.10', '198.51.100.0/24'],
      owner_map: { OW01: 'CUST-001' },
      warehouse_map: { OWLA: 'GW-LA' },
      active: true,
    });
  });

  it('lists the six push URLs to hand to OneWarehouse, each copyable', async () => {
    const api = fakeApi({
      'GET /v1/onewarehouse/connections/:environment': { body: sandbox },
      'GET /v1/onewarehouse/push-urls': { body: pushUrls },
    });
    renderConsole({ api, path: '/onewarehouse/sandbox' });

    const card = (await screen.findByText('Push URLs to hand to OneWarehouse')).closest(
      '.ant-card',
    ) as HTMLElement;
    expect(
      await within(card).findByText('https://api.example.com/onewarehouse/purchase-inbound'),
    ).toBeInTheDocument();
    expect(within(card).getAllByRole('button', { name: /^Copy .* URL$/ })).toHaveLength(6);
  });
});
