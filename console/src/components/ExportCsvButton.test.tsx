import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ExportedFile, RequestLog } from '../api/types';
import { fakeApi, type FakeReply } from '../test/fakeApi';
import { anAdjustment, anOverview, aTask, aTaskDetail, aViewer } from '../test/fixtures';
import { renderConsole } from '../test/renderConsole';

const exported = (rows: number, filename = 'sync-tasks.csv'): ExportedFile => ({
  url: `https://exports.example.s3.amazonaws.com/${filename}?X-Amz-Signature=abc`,
  filename,
  rows,
  expires_at: '2026-06-04T10:30:00.000000Z',
});

// The browser follows the link: jsdom cannot, so each click on a link is recorded instead.
let followed: { href: string; download: string }[] = [];
beforeEach(() => {
  followed = [];
  vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
    followed.push({ href: this.href, download: this.download });
  });
});
afterEach(() => vi.restoreAllMocks());

const aLog: RequestLog = {
  log_id: 'L-1',
  recorded_at: '2026-06-04T09:02:00.000000Z',
  api_name: 'inventory.list',
  method: 'POST',
  url: 'http://test.hipacking.cn/api/v5/inventory/list',
  request_headers: {},
  request_body: '{}',
  response_status: 200,
  response_body: '{}',
  duration_ms: 80,
  request_id: null,
  system_code: 'HPK01',
  warehouse_code: 'GW-LA',
  task_id: 'T-INV',
  order_no: null,
  error: null,
};

function exportsApi(routes: Record<string, FakeReply> = {}) {
  return fakeApi({
    'GET /v1/tasks': { body: { items: [aTask()], next_cursor: 'more' } },
    'GET /v1/tasks/overview': { body: anOverview() },
    'GET /v1/tasks/:task_id': {
      body: aTaskDetail({
        task_id: 'T-INV',
        task_type: 'inventory_sync',
        business_type: 'inventory',
        order_no: null,
      }),
    },
    'GET /v1/tasks/:task_id/request-logs': { body: { items: [aLog], next_cursor: null } },
    'GET /v1/tasks/:task_id/inventory-snapshot': { body: { items: [], next_cursor: null } },
    'GET /v1/tasks/:task_id/adjustments': { body: { items: [anAdjustment()], next_cursor: null } },
    'POST /v1/exports/tasks': { body: exported(3) },
    'POST /v1/exports/tasks/:task_id/request-logs': { body: exported(1, 'request-logs-T-INV.csv') },
    'POST /v1/exports/tasks/:task_id/snapshot': { body: exported(42, 'snapshot-T-INV.csv') },
    'POST /v1/exports/tasks/:task_id/adjustments': { body: exported(7, 'adjustments-T-INV.csv') },
    ...routes,
  });
}

describe('Export CSV of the task list', () => {
  it('exports what the filter matches and downloads the file from its link', async () => {
    const api = exportsApi();
    renderConsole({ api, path: '/tasks?status=manual&overdue=true&card=overdue' });

    await userEvent.click(await screen.findByRole('button', { name: 'Export CSV' }));

    expect(await screen.findByText('3 rows exported')).toBeInTheDocument();
    expect(api.callsTo('POST', '/v1/exports/tasks')[0].body).toEqual({ status: ['manual'], overdue: true });
    expect(followed).toEqual([
      {
        href: 'https://exports.example.s3.amazonaws.com/sync-tasks.csv?X-Amz-Signature=abc',
        download: 'sync-tasks.csv',
      },
    ]);
  });

  it('exports every task when nothing is filtered', async () => {
    const api = exportsApi();
    renderConsole({ api });

    await userEvent.click(await screen.findByRole('button', { name: 'Export CSV' }));

    await waitFor(() => expect(api.callsTo('POST', '/v1/exports/tasks')).toHaveLength(1));
    expect(api.callsTo('POST', '/v1/exports/tasks')[0].body).toBeUndefined();
  });

  it('shows the API’s reason when the export is refused, and downloads nothing', async () => {
    const narrow = 'More tasks match than one export can write: narrow the filter (e.g. the created time)';
    renderConsole({
      api: exportsApi({ 'POST /v1/exports/tasks': { status: 422, body: { message: narrow } } }),
      path: '/tasks?status=success',
    });

    await userEvent.click(await screen.findByRole('button', { name: 'Export CSV' }));

    expect(await screen.findByText(narrow)).toBeInTheDocument();
    expect(followed).toEqual([]);
  });

  it('is open to a viewer', async () => {
    const api = exportsApi({ 'GET /v1/me': { body: aViewer() } });
    renderConsole({ api });

    const button = await screen.findByRole('button', { name: 'Export CSV' });
    expect(button).toBeEnabled();
    await userEvent.click(button);
    expect(await screen.findByText('3 rows exported')).toBeInTheDocument();
  });
});

describe('Export CSV of a task', () => {
  it.each([
    ['Request Logs', '/v1/exports/tasks/T-INV/request-logs', '1 row exported', 'request-logs-T-INV.csv'],
    [
      'Proxy Warehouse Inventory',
      '/v1/exports/tasks/T-INV/snapshot',
      '42 rows exported',
      'snapshot-T-INV.csv',
    ],
    ['Adjustments', '/v1/exports/tasks/T-INV/adjustments', '7 rows exported', 'adjustments-T-INV.csv'],
  ])('is on the %s tab', async (tab, path, rowsText, filename) => {
    const api = exportsApi();
    renderConsole({ api, path: '/tasks/T-INV' });
    const dialog = await screen.findByRole('dialog');
    await userEvent.click(await within(dialog).findByRole('tab', { name: tab }));

    await userEvent.click(await within(dialog).findByRole('button', { name: 'Export CSV' }));

    expect(await screen.findByText(rowsText)).toBeInTheDocument();
    expect(api.callsTo('POST', path)).toHaveLength(1);
    expect(followed.map((link) => link.download)).toEqual([filename]);
  });
});
