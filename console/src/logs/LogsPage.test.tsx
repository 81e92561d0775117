import { getDefaultNormalizer, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { RequestLog } from '../api/types';
import { fakeApi } from '../test/fakeApi';
import { renderConsole } from '../test/renderConsole';

const aPush: RequestLog = {
  log_id: 'L-7',
  recorded_at: '2026-06-04T09:02:00.000000Z',
  api_name: 'purchase_inbound',
  method: 'POST',
  url: 'https://api.example.com/onewarehouse/purchase-inbound',
  request_headers: { 'x-signature': '***' },
  request_body: '{"inbound_no":"OW-IN-1"}',
  response_status: 401,
  response_body: '{"code":401,"message":"signature mismatch"}',
  duration_ms: 12,
  request_id: null,
  system_code: 'ONEWAREHOUSE-sandbox',
  warehouse_code: null,
  task_id: null,
  order_no: 'OW-IN-1',
  error: null,
};

describe('Logs', () => {
  it('says a search without system, warehouse or order covers the last 24 hours', async () => {
    renderConsole({
      api: fakeApi({ 'GET /v1/request-logs': { body: { items: [], next_cursor: null } } }),
      path: '/logs',
    });

    expect(
      await screen.findByText(
        'Without a system code, warehouse code or order number, only the last 24 hours are searched.',
      ),
    ).toBeInTheDocument();
  });

  it('searches by what the URL holds and expands an exchange to its request and response', async () => {
    const api = fakeApi({ 'GET /v1/request-logs': { body: { items: [aPush], next_cursor: null } } });
    renderConsole({ api, path: '/logs?system_code=ONEWAREHOUSE-sandbox' });

    await userEvent.click(await screen.findByText('purchase_inbound'));

    const verbatim = { normalizer: getDefaultNormalizer({ collapseWhitespace: false }) };
    expect(
      screen.getByText('{\n  "code": 401,\n  "message": "signature mismatch"\n}', verbatim),
    ).toBeInTheDocument();
    await waitFor(() =>
      expect(api.callsTo('GET', '/v1/request-logs')[0].query.get('system_code')).toBe('ONEWAREHOUSE-sandbox'),
    );
    expect(screen.getByLabelText('System code')).toHaveValue('ONEWAREHOUSE-sandbox');
  });
});
