import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { ProxySystem } from '../api/types';
import { fakeApi } from '../test/fakeApi';
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

describe('Proxy Warehouse System form', () => {
  it('adds an HPK system, version 5 by default, and shows the API’s field errors on their fields', async () => {
    const api = fakeApi({
      'GET /v1/proxy-systems': { body: { items: [] } },
      'POST /v1/proxy-systems': {
        status: 422,
        body: {
          message: 'Invalid request: api_endpoint: Input should be a valid URL',
          errors: [{ field: 'api_endpoint', message: 'Input should be a valid URL' }],
        },
      },
    });
    renderConsole({ api, path: '/proxy-systems' });

    expect(await screen.findByText('Add a proxy warehouse system to start.')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Add' }));
    const dialog = await screen.findByRole('dialog');
    await userEvent.type(within(dialog).getByLabelText('System code'), 'HPK02');
    await userEvent.type(within(dialog).getByLabelText('System Name'), 'Hipacking NJ');
    await userEvent.type(within(dialog).getByLabelText('API endpoint'), 'not a url');
    await userEvent.type(within(dialog).getByLabelText('Login account'), 'demo');
    await userEvent.type(within(dialog).getByLabelText('Login password'), 'secret');
    await userEvent.click(within(dialog).getByRole('button', { name: 'OK' }));

    expect(await within(dialog).findByText('Input should be a valid URL')).toBeInTheDocument();
    expect(api.callsTo('POST', '/v1/proxy-systems')[0].body).toEqual({
      code: 'HPK02',
      name: 'Hipacking NJ',
      system_type: 'HPK',
      api_endpoint: 'not a url',
      account: 'demo',
      password: 'secret',
      version: '5',
      enabled: true,
    });
  });

  it('edits without sending a password unless one is typed', async () => {
    const api = fakeApi({
      'GET /v1/proxy-systems': { body: { items: [hpk] } },
      'GET /v1/proxy-systems/:code/warehouse-mappings': { body: { items: [] } },
      'PUT /v1/proxy-systems/:code': ({ body }) => ({ body: { ...hpk, ...(body as object) } }),
    });
    renderConsole({ api, path: '/proxy-systems' });

    await userEvent.click(await screen.findByRole('button', { name: 'Edit' }));
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByLabelText('Login password')).toHaveAttribute(
      'placeholder',
      'Leave blank to keep the current password',
    );
    await userEvent.clear(within(dialog).getByLabelText('System Name'));
    await userEvent.type(within(dialog).getByLabelText('System Name'), 'Hipacking Los Angeles');
    await userEvent.click(within(dialog).getByRole('button', { name: 'OK' }));

    await waitFor(() => expect(api.callsTo('PUT', '/v1/proxy-systems/HPK01')).toHaveLength(1));
    expect(api.callsTo('PUT', '/v1/proxy-systems/HPK01')[0].body).toEqual({
      name: 'Hipacking Los Angeles',
      system_type: 'HPK',
      api_endpoint: 'http://test.hipacking.cn',
      account: 'demo',
      version: '5',
      enabled: true,
    });
    expect(await screen.findByText('Proxy warehouse system saved')).toBeInTheDocument();
  });
});
