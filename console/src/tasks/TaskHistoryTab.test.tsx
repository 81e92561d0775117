import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { RequestLog, TaskRun } from '../api/types';
import { fakeApi } from '../test/fakeApi';
import { anOverview, aRun, aTaskDetail } from '../test/fixtures';
import { renderConsole } from '../test/renderConsole';

const aLog: RequestLog = {
  log_id: 'L-1',
  recorded_at: '2026-06-04T09:02:00.000000Z',
  api_name: 'inbound.query',
  method: 'POST',
  url: 'http://test.hipacking.cn/api/v5/inbound/query',
  request_headers: {},
  request_body: '{}',
  response_status: 200,
  response_body: '{}',
  duration_ms: 321,
  request_id: 'req-1',
  system_code: 'HPK01',
  warehouse_code: 'GW-LA',
  task_id: 'T-1001',
  order_no: 'IN-1001',
  error: null,
};

const newest: TaskRun[] = [
  aRun({
    run_id: 'R-3',
    trigger: 'resolve',
    actor: 'operator@example.com',
    started_at: '2026-06-04T11:00:00.000000Z',
    ended_at: '2026-06-04T11:00:00.120000Z',
    outcome: 'resolved',
    status: 'cancelled',
    summary: 'Resolved outside the system by operator@example.com: received by hand',
    log_ids: [],
  }),
  aRun({
    run_id: 'R-2',
    trigger: 'sync_now',
    actor: 'operator@example.com',
    started_at: '2026-06-04T10:15:00.000000Z',
    ended_at: '2026-06-04T10:15:02.500000Z',
    outcome: 'needs_manual',
    status: 'manual',
    summary: 'HPK refused the inbound',
    error: 'Customer account not open, cannot receive',
    log_ids: ['L-1', 'L-2'],
  }),
  aRun({ run_id: 'R-1' }),
];
const oldest = aRun({
  run_id: 'R-0',
  trigger: 'created',
  started_at: '2026-06-04T08:32:00.000000Z',
  ended_at: '2026-06-04T08:33:05.000000Z',
  outcome: 'continue',
  summary: 'Pushed to HPK',
  log_ids: [],
});

function historyApi() {
  return fakeApi({
    'GET /v1/tasks': { body: { items: [], next_cursor: null } },
    'GET /v1/tasks/overview': { body: anOverview() },
    'GET /v1/tasks/:task_id': { body: aTaskDetail({ task_id: 'T-1001', status: 'cancelled' }) },
    'GET /v1/tasks/:task_id/request-logs': { body: { items: [aLog], next_cursor: null } },
    'GET /v1/tasks/:task_id/runs': (call) =>
      call.query.get('cursor') === 'page-2'
        ? { body: { items: [oldest], next_cursor: null } }
        : { body: { items: newest, next_cursor: 'page-2' } },
  });
}

const entry = (runId: string) => document.querySelector<HTMLElement>(`[data-run-id="${runId}"]`);

async function openHistory() {
  const dialog = await screen.findByRole('dialog');
  await userEvent.click(await within(dialog).findByRole('tab', { name: 'History' }));
  await waitFor(() => expect(entry('R-1')).not.toBeNull());
  return dialog;
}

describe('Task History', () => {
  it('lists every run newest first: trigger in words, who, when and how long, outcome, summary and error', async () => {
    renderConsole({ api: historyApi(), path: '/tasks/T-1001' });
    const dialog = await openHistory();

    const runIds = [...dialog.querySelectorAll('[data-run-id]')].map((item) =>
      item.getAttribute('data-run-id'),
    );
    expect(runIds).toEqual(['R-3', 'R-2', 'R-1']);

    const syncNow = entry('R-2')!;
    expect(syncNow).toHaveTextContent('Sync Now');
    expect(syncNow).toHaveTextContent('by operator@example.com');
    // 10:15 UTC in Asia/Shanghai; 2.5 s from start to end.
    expect(syncNow).toHaveTextContent('2026-06-04 18:15:00 · took 2.5 s');
    expect(within(syncNow).getByText('Needs manual handling')).toHaveClass('ant-tag-error');
    expect(syncNow).toHaveTextContent('HPK refused the inbound');
    expect(within(syncNow).getByText('Customer account not open, cannot receive')).toHaveClass(
      'ant-typography-danger',
    );
    expect(within(syncNow).getByText('2 request logs')).toBeInTheDocument();

    const resolved = entry('R-3')!;
    expect(resolved).toHaveTextContent('Resolved');
    expect(resolved).toHaveTextContent('took 120 ms');
    expect(resolved).toHaveTextContent(
      'Resolved outside the system by operator@example.com: received by hand',
    );
    expect(resolved).not.toHaveTextContent('request log');

    const scheduled = entry('R-1')!;
    expect(scheduled).toHaveTextContent('Schedule');
    expect(scheduled).not.toHaveTextContent(' by ');
    expect(within(scheduled).getByText('Not yet')).toHaveClass('ant-tag-processing');
  });

  it('loads older runs with the cursor', async () => {
    const api = historyApi();
    renderConsole({ api, path: '/tasks/T-1001' });
    const dialog = await openHistory();

    await userEvent.click(within(dialog).getByRole('button', { name: 'Load more' }));

    await waitFor(() => expect(entry('R-0')).not.toBeNull());
    expect(entry('R-0')).toHaveTextContent('Created');
    expect(entry('R-0')).toHaveTextContent('took 1 min 5 s');
    expect(api.callsTo('GET', '/v1/tasks/T-1001/runs').map((call) => call.query.get('cursor'))).toEqual([
      null,
      'page-2',
    ]);
    expect(within(dialog).queryByRole('button', { name: 'Load more' })).not.toBeInTheDocument();
  });

  it('opens the Request Logs tab from a run’s request-log count', async () => {
    renderConsole({ api: historyApi(), path: '/tasks/T-1001' });
    const dialog = await openHistory();

    await userEvent.click(within(entry('R-1')!).getByText('1 request log'));

    expect(within(dialog).getByRole('tab', { name: 'Request Logs' })).toHaveAttribute(
      'aria-selected',
      'true',
    );
    expect(await within(dialog).findByText('inbound.query')).toBeVisible();
  });

  it('says when nothing has run yet', async () => {
    const api = fakeApi({
      'GET /v1/tasks': { body: { items: [], next_cursor: null } },
      'GET /v1/tasks/overview': { body: anOverview() },
      'GET /v1/tasks/:task_id': { body: aTaskDetail({ task_id: 'T-1001', status: 'pending' }) },
      'GET /v1/tasks/:task_id/request-logs': { body: { items: [], next_cursor: null } },
      'GET /v1/tasks/:task_id/runs': { body: { items: [], next_cursor: null } },
    });
    renderConsole({ api, path: '/tasks/T-1001' });

    const dialog = await screen.findByRole('dialog');
    await userEvent.click(await within(dialog).findByRole('tab', { name: 'History' }));

    expect(
      await within(dialog).findByText('No runs recorded yet. History keeps every run of the last 90 days.'),
    ).toBeInTheDocument();
  });
});
