import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { BulkSyncNowResult, Me } from '../api/types';
import { fakeApi, type FakeReply } from '../test/fakeApi';
import { anOverview, aTask, aViewer } from '../test/fixtures';
import { renderConsole } from '../test/renderConsole';

const manualTasks = { items: [aTask({ task_id: 'T-1', status: 'manual' })], next_cursor: 'more' };

function bulkApi({ reply, me }: { reply?: FakeReply; me?: Me } = {}) {
  return fakeApi({
    ...(me ? { 'GET /v1/me': { body: me } } : {}),
    'GET /v1/tasks': { body: manualTasks },
    'GET /v1/tasks/overview': { body: anOverview() },
    'POST /v1/tasks/sync-now': reply ?? {
      status: 202,
      body: { submitted: ['T-1'], skipped: [], capped: false } satisfies BulkSyncNowResult,
    },
  });
}

async function runBulkSyncNow(name: string) {
  await userEvent.click(await screen.findByRole('button', { name }));
  const confirm = await screen.findByRole('dialog');
  await userEvent.click(within(confirm).getByRole('button', { name: 'OK' }));
}

describe('Bulk Sync Now', () => {
  it('is offered for a filtered list only', async () => {
    renderConsole({ api: bulkApi() });

    expect(await screen.findByRole('button', { name: 'Export CSV' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /^Sync Now \(/ })).not.toBeInTheDocument();
  });

  it('names the count of the card the filter matches, confirms it, posts the filter and reports', async () => {
    const result: BulkSyncNowResult = {
      submitted: Array.from({ length: 12 }, (_, n) => `T-${n + 10}`),
      skipped: [
        { task_id: 'T-7', reason: 'Task is already running' },
        { task_id: 'T-8', reason: 'Task is finished (success)' },
        { task_id: 'T-9', reason: 'Task not found' },
      ],
      capped: false,
    };
    const api = bulkApi({ reply: { status: 202, body: result } });
    renderConsole({ api, path: '/tasks?status=manual&warehouse_code=GW-LA&card=manual' });

    await userEvent.click(await screen.findByRole('button', { name: 'Sync Now (2)' }));
    const confirm = await screen.findByRole('dialog');
    expect(confirm).toHaveTextContent('Run Sync Now on 2 tasks?');
    expect(confirm).toHaveTextContent('Filter: Status: Manual handling · Warehouse: GW-LA');
    expect(api.callsTo('POST', '/v1/tasks/sync-now')).toHaveLength(0);
    const listCalls = api.callsTo('GET', '/v1/tasks').length;

    await userEvent.click(within(confirm).getByRole('button', { name: 'OK' }));

    const report = await screen.findByTestId('bulk-sync-now-result');
    expect(report).toHaveTextContent('Bulk Sync Now: 12 submitted, 3 skipped');
    expect(api.callsTo('POST', '/v1/tasks/sync-now')[0].body).toEqual({
      filter: { status: ['manual'], warehouse_code: 'GW-LA', overdue: false },
    });
    expect(within(report).queryByText('Task is already running')).not.toBeInTheDocument();
    await userEvent.click(within(report).getByText('Skipped tasks (3)'));
    expect(await within(report).findByText('Task is already running')).toBeVisible();
    expect(within(report).getByText('Task not found')).toBeInTheDocument();
    expect(within(report).getByRole('link', { name: 'T-8' })).toHaveAttribute(
      'href',
      '/tasks/T-8?status=manual&warehouse_code=GW-LA&card=manual',
    );
    // The list is asked again, to show the new runs.
    await waitFor(() => expect(api.callsTo('GET', '/v1/tasks').length).toBeGreaterThan(listCalls));
  });

  it('says when only the newest 500 were taken', async () => {
    const api = bulkApi({ reply: { status: 202, body: { submitted: ['T-1'], skipped: [], capped: true } } });
    renderConsole({ api, path: '/tasks?status=manual' });

    await runBulkSyncNow('Sync Now (2)');

    const report = await screen.findByTestId('bulk-sync-now-result');
    expect(report).toHaveTextContent('1 submitted, 0 skipped');
    expect(report).toHaveTextContent('only the newest 500 were taken');
  });

  it('says "all matching" when the page cannot count the tasks', async () => {
    const api = bulkApi();
    renderConsole({ api, path: '/tasks?warehouse_code=GW-LA' });

    await userEvent.click(await screen.findByRole('button', { name: 'Sync Now (all matching)' }));

    expect(await screen.findByRole('dialog')).toHaveTextContent('Run Sync Now on all matching tasks?');
  });

  it('counts a list that fits on one page', async () => {
    const api = fakeApi({
      'GET /v1/tasks': {
        body: { items: [aTask({ task_id: 'T-1' }), aTask({ task_id: 'T-2' })], next_cursor: null },
      },
      'GET /v1/tasks/overview': { body: anOverview() },
    });
    renderConsole({ api, path: '/tasks?order_no=IN-1001' });

    expect(await screen.findByRole('button', { name: 'Sync Now (2)' })).toBeEnabled();
  });

  it('shows the API’s refusal', async () => {
    const api = bulkApi({
      reply: { status: 403, body: { message: 'Your role (viewer) cannot run Sync Now on many tasks' } },
    });
    renderConsole({ api, path: '/tasks?status=manual' });

    await runBulkSyncNow('Sync Now (2)');

    expect(
      await screen.findByText('Your role (viewer) cannot run Sync Now on many tasks'),
    ).toBeInTheDocument();
    expect(screen.queryByTestId('bulk-sync-now-result')).not.toBeInTheDocument();
  });

  it('is disabled for a viewer, with the reason on hover', async () => {
    const api = bulkApi({ me: aViewer() });
    renderConsole({ api, path: '/tasks?status=manual' });

    const button = await screen.findByRole('button', { name: 'Sync Now (2)' });
    expect(button).toBeDisabled();
    await userEvent.hover(button.parentElement!);
    expect(await screen.findByRole('tooltip')).toHaveTextContent(
      'Your role (viewer) cannot run Sync Now on many tasks',
    );
  });
});
