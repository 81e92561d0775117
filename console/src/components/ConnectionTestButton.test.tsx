import { getDefaultNormalizer, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { Connection, ConnectionTest, Me } from '../api/types';
import { fakeApi, type FakeReply } from '../test/fakeApi';
import { aProxySystem, aViewer, aWarehouseMapping } from '../test/fixtures';
import { renderConsole } from '../test/renderConsole';

const login = {
  log_id: 'L-1',
  api_name: 'login',
  method: 'POST',
  url: 'http://test.hipacking.cn/api/v5/login',
  request_body: '{"account":"demo","password":"***"}',
  response_status: 200,
  response_body: '{"code":0,"token":"***"}',
  duration_ms: 120,
  error: null,
};
const inventoryPage = {
  ...login,
  log_id: 'L-2',
  api_name: 'inventory.list',
  url: 'http://test.hipacking.cn/api/v5/inventory/list',
  request_body: '{"warehouse":"HPK-LA1","page":1}',
  response_body: '{"code":0,"data":[]}',
  duration_ms: 340,
};

function systemsApi(reply: FakeReply, me?: Me) {
  return fakeApi({
    ...(me ? { 'GET /v1/me': { body: me } } : {}),
    'GET /v1/proxy-systems': { body: { items: [aProxySystem()] } },
    'GET /v1/proxy-systems/:code/warehouse-mappings': { body: { items: [aWarehouseMapping()] } },
    'POST /v1/proxy-systems/:code/test-connection': reply,
  });
}

const systemRow = () => screen.findByText((_, element) => element?.getAttribute('data-row-key') === 'HPK01');

async function testSystemConnection() {
  await userEvent.click(within(await systemRow()).getByRole('button', { name: 'Test connection' }));
  return screen.findByRole('dialog', { name: 'Test connection — HPK01' });
}

describe('Test connection of a proxy warehouse system', () => {
  it('says it connected, in green, and shows each exchange with its request and response', async () => {
    const result: ConnectionTest = {
      ok: true,
      message: 'Connected: logged in to HPK and read 1 inventory page of HPK-LA1',
      request_logs: [login, inventoryPage],
    };
    const api = systemsApi({ body: result });
    renderConsole({ api, path: '/proxy-systems' });

    const dialog = await testSystemConnection();

    const outcome = await within(dialog).findByTestId('connection-test-result');
    expect(outcome).toHaveClass('ant-alert-success');
    expect(outcome).toHaveTextContent('Connection works');
    expect(outcome).toHaveTextContent('Connected: logged in to HPK and read 1 inventory page of HPK-LA1');
    expect(api.callsTo('POST', '/v1/proxy-systems/HPK01/test-connection')[0].body).toBeUndefined();
    // The row's click opens the system; the test's does not.
    expect(screen.getByTestId('current-location')).toHaveTextContent(/^\/proxy-systems$/);

    expect(within(dialog).getByText('login')).toBeInTheDocument();
    await userEvent.click(within(dialog).getByText('inventory.list'));
    const verbatim = { normalizer: getDefaultNormalizer({ collapseWhitespace: false }) };
    expect(
      await within(dialog).findByText('{\n  "warehouse": "HPK-LA1",\n  "page": 1\n}', verbatim),
    ).toBeInTheDocument();
    expect(within(dialog).getByText('340 ms', { selector: 'td *, td' })).toBeInTheDocument();
  });

  it('says what is wrong, in red, when the test ran and failed', async () => {
    const result: ConnectionTest = {
      ok: false,
      message: 'System configuration error: HPK refused our login (wrong account or password)',
      request_logs: [{ ...login, response_status: 401, response_body: '{"code":401}' }],
    };
    renderConsole({ api: systemsApi({ body: result }), path: '/proxy-systems' });

    const dialog = await testSystemConnection();

    const outcome = await within(dialog).findByTestId('connection-test-result');
    expect(outcome).toHaveClass('ant-alert-error');
    expect(outcome).toHaveTextContent('Connection failed');
    expect(outcome).toHaveTextContent(
      'System configuration error: HPK refused our login (wrong account or password)',
    );
    expect(within(dialog).getByText('401')).toBeInTheDocument();
  });

  it('shows the API’s reason when the test cannot run', async () => {
    const refusal = 'Proxy warehouse system HPK01 has no warehouse mapping to test with';
    renderConsole({ api: systemsApi({ status: 409, body: { message: refusal } }), path: '/proxy-systems' });

    const dialog = await testSystemConnection();

    expect(await within(dialog).findByText(refusal)).toBeInTheDocument();
    expect(within(dialog).queryByTestId('connection-test-result')).not.toBeInTheDocument();
  });

  it('is disabled for a viewer, with the reason on hover', async () => {
    const api = systemsApi({ body: {} }, aViewer());
    renderConsole({ api, path: '/proxy-systems' });

    const button = within(await systemRow()).getByRole('button', { name: 'Test connection' });
    expect(button).toBeDisabled();
    await userEvent.hover(button.parentElement!);
    await waitFor(() =>
      expect(
        screen
          .getAllByRole('tooltip')
          .some((tip) => tip.textContent === 'Your role (viewer) cannot test connections'),
      ).toBe(true),
    );
    expect(api.calls.filter((call) => call.method !== 'GET')).toHaveLength(0);
  });
});

const sandbox: Connection = {
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

describe('Test connection of a OneWarehouse connection', () => {
  it('tests the environment on screen', async () => {
    const result: ConnectionTest = {
      ok: true,
      message: 'Connected: OneWarehouse accepted our signature (order not found, as expected)',
      request_logs: [{ ...login, api_name: 'get_label', url: 'https://sandbox.onewarehouse.example/label' }],
    };
    const api = fakeApi({
      'GET /v1/onewarehouse/connections/:environment': ({ path }) =>
        path.endsWith('/sandbox') ? { body: sandbox } : { status: 404, body: { message: 'not configured' } },
      'GET /v1/onewarehouse/push-urls': { body: { items: [] } },
      'POST /v1/onewarehouse/connections/:environment/test-connection': { body: result },
    });
    renderConsole({ api, path: '/onewarehouse/sandbox' });

    await userEvent.click(await screen.findByRole('button', { name: 'Test connection' }));

    const dialog = await screen.findByRole('dialog', { name: 'Test connection — OneWarehouse sandbox' });
    expect(await within(dialog).findByTestId('connection-test-result')).toHaveTextContent(
      'Connected: OneWarehouse accepted our signature (order not found, as expected)',
    );
    expect(within(dialog).getByText('get_label')).toBeInTheDocument();
    expect(api.callsTo('POST', '/v1/onewarehouse/connections/sandbox/test-connection')).toHaveLength(1);
  });

  it('is not offered before the environment is configured', async () => {
    const api = fakeApi({
      'GET /v1/onewarehouse/connections/:environment': { status: 404, body: { message: 'not configured' } },
      'GET /v1/onewarehouse/push-urls': { body: { items: [] } },
    });
    renderConsole({ api, path: '/onewarehouse/production' });

    expect(await screen.findByRole('button', { name: 'Configure' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Test connection' })).not.toBeInTheDocument();
  });
});
