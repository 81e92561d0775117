import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { RequestLog, SnapshotLine, TaskDetail } from '../api/types';
import { fakeApi } from '../test/fakeApi';
import { aTaskDetail, anOverview } from '../test/fixtures';
import { renderConsole } from '../test/renderConsole';

const aLog: RequestLog = {
  log_id: 'L-1',
  recorded_at: '2026-06-04T09:02:00.000000Z',
  api_name: 'inbound.create',
  method: 'POST',
  url: 'http://test.hipacking.cn/api/v5/inbound/create',
  request_headers: { 'content-type': 'application/json', authorization: '***' },
  request_body: '{"order_no":"IN-1001","warehouse":"HPK-LA1"}',
  response_status: 200,
  response_body: '<xml>not json</xml>',
  duration_ms: 321,
  request_id: 'req-1',
  system_code: 'HPK01',
  warehouse_code: 'GW-LA',
  task_id: 'T-1001',
  order_no: 'IN-1001',
  error: null,
};

const aSnapshotLine: SnapshotLine = {
  proxy_sku: 'HPK-SKU-1',
  gsku: 'GSKU-1',
  local_sku: 'LOCAL-1',
  available: 80,
  locked: 20,
  total: 100,
  inventory_type: 'defective',
  proxy_inbound_no: 'HPKIN-9',
  local_inbound_no: 'IN-1001',
  inbound_at: '2026-06-01T00:00:00.000000Z',
  snapshot_at: '2026-06-04T09:00:00.000000Z',
  proxy_warehouse_code: 'HPK-LA1',
  gwms_warehouse_code: 'GW-LA',
};

function detailsApi(task: TaskDetail, logs: RequestLog[] = []) {
  return fakeApi({
    'GET /v1/tasks': { body: { items: [], next_cursor: null } },
    'GET /v1/tasks/overview': { body: anOverview() },
    'GET /v1/tasks/:task_id': { body: task },
    'GET /v1/tasks/:task_id/request-logs': { body: { items: logs } },
    'GET /v1/tasks/:task_id/inventory-snapshot': { body: { items: [aSnapshotLine], next_cursor: null } },
  });
}

describe('Task details dialog', () => {
  it('opens from its own URL with every field of the guide', async () => {
    renderConsole({ api: detailsApi(aTaskDetail({ task_id: 'T-1001' })), path: '/tasks/T-1001' });

    const dialog = await screen.findByRole('dialog');
    expect(await within(dialog).findByText('Task details — IN-1001')).toBeInTheDocument();
    const labels = [
      'Task ID',
      'Task type',
      'Task status',
      'Business type',
      'Business order number',
      'Third-party order number',
      'Proxy warehouse system',
      'Warehouse code',
      'Proxy warehouse code',
      'Request ID',
      'Last executed time',
      'Next execution time',
      'Created time',
      'Execution result',
      'Error message',
      'Attempts',
    ];
    for (const label of labels) expect(within(dialog).getByText(label)).toBeInTheDocument();
    expect(within(dialog).getByText('Hipacking LA')).toBeInTheDocument();
    expect(within(dialog).getByText('Waiting for HPK to complete the inbound')).toBeInTheDocument();
    expect(within(dialog).getByRole('button', { name: 'Copy link' })).toBeInTheDocument();
    expect(
      within(dialog)
        .getAllByRole('tab')
        .map((tab) => tab.textContent),
    ).toEqual(['Task Details', 'History']);
  });

  it('names who last pressed Sync Now, and when', async () => {
    const task = aTaskDetail({
      task_id: 'T-1001',
      last_sync_now_by: 'operator@example.com',
      last_sync_now_at: '2026-06-04T10:15:00.000000Z',
    });
    renderConsole({ api: detailsApi(task), path: '/tasks/T-1001' });

    const dialog = await screen.findByRole('dialog');
    const label = await within(dialog).findByText('Last Sync Now');
    // 10:15 UTC in Asia/Shanghai.
    expect(label.closest('th')?.nextElementSibling).toHaveTextContent(
      'operator@example.com at 2026-06-04 18:15:00',
    );
  });

  it('shows a dash when nobody has pressed Sync Now', async () => {
    renderConsole({ api: detailsApi(aTaskDetail({ task_id: 'T-1001' })), path: '/tasks/T-1001' });

    const label = await within(await screen.findByRole('dialog')).findByText('Last Sync Now');
    expect(label.closest('th')?.nextElementSibling).toHaveTextContent(/^—$/);
  });

  it('shows Request Logs only when the task has some, each row expanding to request and response', async () => {
    renderConsole({ api: detailsApi(aTaskDetail(), [aLog]), path: '/tasks/T-1001' });

    const dialog = await screen.findByRole('dialog');
    await userEvent.click(await within(dialog).findByRole('tab', { name: 'Request Logs' }));
    await userEvent.click(within(dialog).getByText('inbound.create'));

    expect(within(dialog).getByText('Request headers')).toBeInTheDocument();
    const requestBody = within(dialog).getByText(/"order_no": "IN-1001"/);
    expect(requestBody.textContent).toBe('{\n  "order_no": "IN-1001",\n  "warehouse": "HPK-LA1"\n}');
    expect(within(dialog).getByText('<xml>not json</xml>')).toBeInTheDocument();
    expect(within(dialog).getByRole('button', { name: 'Copy request body' })).toBeInTheDocument();
    expect(within(dialog).getByRole('button', { name: 'Copy response body' })).toBeInTheDocument();
  });

  it('pages through Request Logs with the cursor the API hands out, and back', async () => {
    const older: RequestLog = { ...aLog, log_id: 'L-0', api_name: 'token.get' };
    const api = fakeApi({
      'GET /v1/tasks': { body: { items: [], next_cursor: null } },
      'GET /v1/tasks/overview': { body: anOverview() },
      'GET /v1/tasks/:task_id': { body: aTaskDetail() },
      'GET /v1/tasks/:task_id/request-logs': (call) =>
        call.query.get('cursor') === 'C-2'
          ? { body: { items: [older], next_cursor: null } }
          : { body: { items: [aLog], next_cursor: 'C-2' } },
    });
    renderConsole({ api, path: '/tasks/T-1001' });

    const dialog = await screen.findByRole('dialog');
    await userEvent.click(await within(dialog).findByRole('tab', { name: 'Request Logs' }));
    expect(within(dialog).getByText('inbound.create')).toBeInTheDocument();

    await userEvent.click(within(dialog).getByRole('button', { name: /Next/ }));
    expect(await within(dialog).findByText('token.get')).toBeInTheDocument();
    expect(within(dialog).queryByText('inbound.create')).not.toBeInTheDocument();
    expect(within(dialog).getByText('Page 2')).toBeInTheDocument();
    expect(within(dialog).getByRole('button', { name: /Next/ })).toBeDisabled();

    await userEvent.click(within(dialog).getByRole('button', { name: /Previous/ }));
    expect(await within(dialog).findByText('inbound.create')).toBeInTheDocument();
  });

  it('adds Proxy Warehouse Inventory for an inventory sync task, with the snapshot note and the 13 columns', async () => {
    const task = aTaskDetail({ task_type: 'inventory_sync', business_type: 'inventory', order_no: null });
    renderConsole({ api: detailsApi(task), path: '/tasks/T-1001' });

    const dialog = await screen.findByRole('dialog');
    await userEvent.click(await within(dialog).findByRole('tab', { name: 'Proxy Warehouse Inventory' }));

    expect(
      within(dialog).getByText(
        'This tab shows the inventory snapshot captured at the time of task execution — it is not a live query of the proxy warehouse. Total inventory = Available inventory + Locked inventory.',
      ),
    ).toBeInTheDocument();
    const headers = within(within(dialog).getByRole('table')).getAllByRole('columnheader');
    expect(headers.map((header) => header.textContent)).toEqual([
      'Proxy warehouse SKU',
      'GSKU',
      'Local SKU',
      'Available inventory',
      'Locked inventory',
      'Total inventory',
      'Inventory type',
      'Proxy inbound order',
      'Local inbound order',
      'Inbound time',
      'Snapshot time',
      'Proxy warehouse code',
      'GWMS warehouse code',
    ]);
    expect(await within(dialog).findByText('Defective')).toBeInTheDocument();
  });

  it('closes back to the list with its filters', async () => {
    const api = detailsApi(aTaskDetail());
    renderConsole({ api, path: '/tasks/T-1001?status=manual&warehouse_code=GW-LA' });

    const dialog = await screen.findByRole('dialog');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Close' }));

    expect(screen.getByTestId('current-location')).toHaveTextContent(
      /^\/tasks\?status=manual&warehouse_code=GW-LA$/,
    );
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
  });

  it('says so when the task does not exist', async () => {
    const api = fakeApi({
      'GET /v1/tasks': { body: { items: [], next_cursor: null } },
      'GET /v1/tasks/overview': { body: anOverview() },
      'GET /v1/tasks/:task_id': { status: 404, body: { message: 'Task T-404 not found' } },
      'GET /v1/tasks/:task_id/request-logs': { status: 404, body: { message: 'Task T-404 not found' } },
    });
    renderConsole({ api, path: '/tasks/T-404' });

    expect(
      await within(await screen.findByRole('dialog')).findByText('Task T-404 not found'),
    ).toBeInTheDocument();
  });
});
