import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { SkuMapping } from '../api/types';
import { fakeApi } from '../test/fakeApi';
import { renderConsole } from '../test/renderConsole';

const failed: SkuMapping = {
  system_code: 'HPK01',
  gsku: 'GSKU-2',
  status: 'failed',
  proxy_sku: null,
  last_error: 'SKU sync failed: missing name, spec',
  last_attempt_at: '2026-06-04T08:00:00.000000Z',
};

function skuApi(resynced: SkuMapping) {
  return fakeApi({
    'GET /v1/proxy-systems': {
      body: {
        items: [
          {
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
          },
        ],
      },
    },
    'GET /v1/proxy-systems/:code/sku-mappings': { body: { items: [failed] } },
    'POST /v1/proxy-systems/:code/sku-mappings/:gsku/resync': { body: resynced },
  });
}

describe('SKU mappings', () => {
  it('lists the failed SKUs of a linked filter with their reason', async () => {
    const api = skuApi(failed);
    renderConsole({ api, path: '/proxy-systems/HPK01?tab=sku&sku_status=failed' });

    const row = await screen.findByText((_, element) => element?.getAttribute('data-row-key') === 'GSKU-2');
    expect(within(row).getByText('SKU sync failed: missing name, spec')).toBeInTheDocument();
    expect(within(row).getByText('Failed')).toHaveClass('ant-tag-error');
    expect(api.callsTo('GET', '/v1/proxy-systems/HPK01/sku-mappings')[0].query.get('status')).toBe('failed');
  });

  it('reports a Resync that synced, and refreshes the list', async () => {
    const api = skuApi({ ...failed, status: 'synced', proxy_sku: 'HPK-SKU-2', last_error: null });
    renderConsole({ api, path: '/proxy-systems/HPK01?tab=sku' });

    const row = await screen.findByText((_, element) => element?.getAttribute('data-row-key') === 'GSKU-2');
    await userEvent.click(within(row).getByRole('button', { name: 'Resync' }));

    expect(await screen.findByText('GSKU-2 synced as HPK-SKU-2')).toBeInTheDocument();
    await waitFor(() => expect(api.callsTo('GET', '/v1/proxy-systems/HPK01/sku-mappings')).toHaveLength(2));
  });

  it('reports a Resync that failed again with its reason', async () => {
    const stillFailing = { ...failed, last_error: 'SKU sync failed: missing weight' };
    renderConsole({ api: skuApi(stillFailing), path: '/proxy-systems/HPK01?tab=sku' });

    await userEvent.click(await screen.findByRole('button', { name: 'Resync' }));

    expect(await screen.findByText('SKU sync failed: missing weight')).toBeInTheDocument();
  });
});
