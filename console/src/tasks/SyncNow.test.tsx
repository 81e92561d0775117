import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { fakeApi, type FakeReply } from '../test/fakeApi';
import { aTask, aTaskDetail, anOverview } from '../test/fixtures';
import { renderConsole } from '../test/renderConsole';

const waitingTask = aTask({
  task_id: 'T-1',
  order_no: 'IN-1',
  status: 'manual',
  can_sync_now: true,
  last_executed_at: '2026-06-04T09:02:00.000000Z',
  execution_summary: 'Customer account not open, cannot receive',
});
const rerunTask = {
  ...waitingTask,
  status: 'waiting' as const,
  last_executed_at: '2026-06-04T10:15:00.000000Z',
  execution_summary: 'Re-run: waiting for HPK to complete the inbound',
};

function apiAnsweringSyncNow(reply: FakeReply) {
  let synced = false;
  return fakeApi({
    'GET /v1/tasks': () => ({ body: { items: [synced ? rerunTask : waitingTask], next_cursor: null } }),
    'GET /v1/tasks/overview': { body: anOverview() },
    'POST /v1/tasks/:task_id/sync-now': () => {
      synced = (reply.status ?? 200) < 300;
      return reply;
    },
  });
}

async function clickSyncNowOnRow(taskId: string) {
  const row = await screen.findByText((_, element) => element?.getAttribute('data-row-key') === taskId);
  await userEvent.click(within(row).getByRole('button', { name: 'Sync Now' }));
}

describe('Sync Now', () => {
  it('asks "Confirm execute this task immediately?", posts, reports, and the row shows the new run by itself', async () => {
    const api = apiAnsweringSyncNow({ status: 202, body: { message: 'Execution request submitted' } });
    renderConsole({ api });

    await clickSyncNowOnRow('T-1');
    const confirm = await screen.findByRole('dialog');
    expect(confirm).toHaveTextContent('Confirm execute this task immediately?');
    expect(api.callsTo('POST', '/v1/tasks/T-1/sync-now')).toHaveLength(0);

    await userEvent.click(within(confirm).getByRole('button', { name: 'OK' }));

    expect(await screen.findByText('Execution request submitted')).toBeInTheDocument();
    expect(api.callsTo('POST', '/v1/tasks/T-1/sync-now')).toHaveLength(1);
    // Last executed 2026-06-04T10:15Z in Asia/Shanghai, and the new summary, without a reload.
    expect(await screen.findByText('2026-06-04 18:15:00')).toBeInTheDocument();
    expect(screen.getByText('Re-run: waiting for HPK to complete the inbound')).toBeInTheDocument();
  });

  it('shows the API’s reason when the run is refused', async () => {
    const api = apiAnsweringSyncNow({ status: 409, body: { message: 'Task is already running' } });
    renderConsole({ api });

    await clickSyncNowOnRow('T-1');
    await userEvent.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'OK' }));

    expect(await screen.findByText('Task is already running')).toBeInTheDocument();
    expect(screen.queryByText('Execution request submitted')).not.toBeInTheDocument();
  });

  it('does nothing when the confirmation is cancelled', async () => {
    const api = apiAnsweringSyncNow({ status: 202, body: { message: 'Execution request submitted' } });
    renderConsole({ api });

    await clickSyncNowOnRow('T-1');
    await userEvent.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Cancel' }));

    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(api.callsTo('POST', '/v1/tasks/T-1/sync-now')).toHaveLength(0);
  });

  it('is offered only where the API allows it', async () => {
    const api = fakeApi({
      'GET /v1/tasks': {
        body: {
          items: [
            aTask({ task_id: 'T-done', order_no: 'IN-DONE', status: 'success', can_sync_now: false }),
            aTask({ task_id: 'T-run', order_no: 'IN-RUN', status: 'running', can_sync_now: false }),
            aTask({ task_id: 'T-wait', order_no: 'IN-WAIT', status: 'waiting', can_sync_now: true }),
          ],
          next_cursor: null,
        },
      },
      'GET /v1/tasks/overview': { body: anOverview() },
    });
    renderConsole({ api });

    await screen.findByText('IN-WAIT');
    expect(screen.getAllByRole('button', { name: 'Sync Now' })).toHaveLength(1);
  });

  it('is also in the details dialog, with the same confirmation', async () => {
    const api = fakeApi({
      'GET /v1/tasks': { body: { items: [], next_cursor: null } },
      'GET /v1/tasks/overview': { body: anOverview() },
      'GET /v1/tasks/:task_id': { body: aTaskDetail({ task_id: 'T-1', can_sync_now: true }) },
      'GET /v1/tasks/:task_id/request-logs': { body: { items: [] } },
      'POST /v1/tasks/:task_id/sync-now': { status: 202, body: { message: 'Execution request submitted' } },
    });
    renderConsole({ api, path: '/tasks/T-1' });

    const details = await screen.findByRole('dialog');
    await userEvent.click(await within(details).findByRole('button', { name: 'Sync Now' }));
    const confirm = (await screen.findAllByRole('dialog')).find((dialog) =>
      dialog.textContent?.includes('Confirm execute this task immediately?'),
    )!;
    await userEvent.click(within(confirm).getByRole('button', { name: 'OK' }));

    expect(await screen.findByText('Execution request submitted')).toBeInTheDocument();
    expect(api.callsTo('POST', '/v1/tasks/T-1/sync-now')).toHaveLength(1);
  });
});
