import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { Me, TaskDetail } from '../api/types';
import { fakeApi, type FakeReply } from '../test/fakeApi';
import { anOverview, aTaskDetail, aViewer } from '../test/fixtures';
import { renderConsole } from '../test/renderConsole';

const manualTask = aTaskDetail({
  task_id: 'T-1',
  order_no: 'IN-1',
  status: 'manual',
  can_sync_now: true,
  execution_summary: 'Customer account not open, cannot receive',
});

function endingApi(task: TaskDetail, { reply, me }: { reply?: FakeReply; me?: Me } = {}) {
  let current = task;
  const end = (summary: string) => () => {
    if (reply) return reply;
    current = { ...current, status: 'cancelled', can_sync_now: false, execution_summary: summary };
    return { body: current };
  };
  return fakeApi({
    ...(me ? { 'GET /v1/me': { body: me } } : {}),
    'GET /v1/tasks': { body: { items: [], next_cursor: null } },
    'GET /v1/tasks/overview': { body: anOverview() },
    'GET /v1/tasks/:task_id': () => ({ body: current }),
    'GET /v1/tasks/:task_id/request-logs': { body: { items: [], next_cursor: null } },
    'POST /v1/tasks/:task_id/resolve': end(
      'Resolved outside the system by operator@example.com: received by hand at HPK',
    ),
    'POST /v1/tasks/:task_id/cancel': end('Cancelled by operator@example.com: order withdrawn'),
  });
}

async function detailsButton(name: string) {
  const details = await screen.findByRole('dialog');
  return within(details).findByRole('button', { name });
}

async function reasonDialog(title: string) {
  const dialogs = await screen.findAllByRole('dialog');
  const dialog = dialogs.find((candidate) => candidate.textContent?.includes(title));
  expect(dialog).toBeDefined();
  return dialog!;
}

describe('Resolve', () => {
  it('asks for the reason, posts it, and the task shows as cancelled with who resolved it', async () => {
    const api = endingApi(manualTask);
    renderConsole({ api, path: '/tasks/T-1' });

    await userEvent.click(await detailsButton('Resolve'));
    const dialog = await reasonDialog('Resolve task IN-1?');
    expect(dialog).toHaveTextContent('the order is left as it is');
    await userEvent.click(within(dialog).getByRole('button', { name: 'OK' }));
    expect(await within(dialog).findByText('Enter the reason')).toBeInTheDocument();
    expect(api.callsTo('POST', '/v1/tasks/T-1/resolve')).toHaveLength(0);

    await userEvent.type(within(dialog).getByLabelText('Reason'), '  received by hand at HPK ');
    await userEvent.click(within(dialog).getByRole('button', { name: 'OK' }));

    expect(await screen.findByText('Task resolved')).toBeInTheDocument();
    expect(api.callsTo('POST', '/v1/tasks/T-1/resolve')[0].body).toEqual({
      reason: 'received by hand at HPK',
    });
    const details = await screen.findByRole('dialog');
    expect(
      await within(details).findByText(
        'Resolved outside the system by operator@example.com: received by hand at HPK',
      ),
    ).toBeInTheDocument();
    expect(within(details).getByText('Cancelled')).toBeInTheDocument();
    expect(within(details).queryByRole('button', { name: 'Resolve' })).not.toBeInTheDocument();
    expect(within(details).queryByRole('button', { name: 'Cancel task' })).not.toBeInTheDocument();
  });

  it('caps the reason at 500 characters', async () => {
    renderConsole({ api: endingApi(manualTask), path: '/tasks/T-1' });

    await userEvent.click(await detailsButton('Resolve'));
    const dialog = await reasonDialog('Resolve task IN-1?');
    const reason = within(dialog).getByLabelText('Reason');
    await userEvent.click(reason);
    await userEvent.paste('x'.repeat(520));

    expect(reason).toHaveValue('x'.repeat(500));
    expect(dialog).toHaveTextContent('500 / 500');
  });

  it('shows the API’s refusal in the dialog', async () => {
    const api = endingApi(manualTask, {
      reply: {
        status: 409,
        body: { message: 'Only a task in manual handling can be resolved (it is running)' },
      },
    });
    renderConsole({ api, path: '/tasks/T-1' });

    await userEvent.click(await detailsButton('Resolve'));
    const dialog = await reasonDialog('Resolve task IN-1?');
    await userEvent.type(within(dialog).getByLabelText('Reason'), 'done by hand');
    await userEvent.click(within(dialog).getByRole('button', { name: 'OK' }));

    expect(
      await within(dialog).findByText('Only a task in manual handling can be resolved (it is running)'),
    ).toBeInTheDocument();
    expect(screen.queryByText('Task resolved')).not.toBeInTheDocument();
  });

  it('is only for a task in manual handling', async () => {
    renderConsole({ api: endingApi(aTaskDetail({ task_id: 'T-1', status: 'waiting' })), path: '/tasks/T-1' });

    expect(await detailsButton('Cancel task')).toBeEnabled();
    expect(
      within(screen.getByRole('dialog')).queryByRole('button', { name: 'Resolve' }),
    ).not.toBeInTheDocument();
  });
});

describe('Cancel task', () => {
  it('asks for the reason and posts it', async () => {
    const api = endingApi(
      aTaskDetail({ task_id: 'T-1', order_no: 'IN-1', status: 'pending', can_sync_now: true }),
    );
    renderConsole({ api, path: '/tasks/T-1' });

    await userEvent.click(await detailsButton('Cancel task'));
    const dialog = await reasonDialog('Cancel task IN-1?');
    await userEvent.type(within(dialog).getByLabelText('Reason'), 'order withdrawn');
    await userEvent.click(within(dialog).getByRole('button', { name: 'OK' }));

    expect(await screen.findByText('Task cancelled')).toBeInTheDocument();
    expect(api.callsTo('POST', '/v1/tasks/T-1/cancel')[0].body).toEqual({ reason: 'order withdrawn' });
    expect(
      await within(screen.getByRole('dialog')).findByText(
        'Cancelled by operator@example.com: order withdrawn',
      ),
    ).toBeInTheDocument();
  });

  it('is not offered for a finished task or one that is running', async () => {
    for (const task of [
      aTaskDetail({ task_id: 'T-1', status: 'running', can_sync_now: false }),
      aTaskDetail({ task_id: 'T-1', status: 'success', can_sync_now: false }),
    ]) {
      const { unmount } = renderConsole({ api: endingApi(task), path: '/tasks/T-1' });
      expect(await within(await screen.findByRole('dialog')).findByText('Task ID')).toBeInTheDocument();
      expect(screen.queryByRole('button', { name: 'Cancel task' })).not.toBeInTheDocument();
      expect(screen.queryByRole('button', { name: 'Resolve' })).not.toBeInTheDocument();
      unmount();
    }
  });
});

describe('A viewer', () => {
  it('sees Resolve and Cancel task disabled, with the reason on hover', async () => {
    const api = endingApi(manualTask, { me: aViewer() });
    renderConsole({ api, path: '/tasks/T-1' });

    for (const [name, reason] of [
      ['Resolve', 'Your role (viewer) cannot resolve tasks'],
      ['Cancel task', 'Your role (viewer) cannot cancel tasks'],
    ]) {
      const button = await detailsButton(name);
      expect(button).toBeDisabled();
      await userEvent.hover(button.parentElement!);
      await waitFor(() =>
        expect(screen.getAllByRole('tooltip').some((tip) => tip.textContent === reason)).toBe(true),
      );
      await userEvent.unhover(button.parentElement!);
    }
    expect(api.calls.filter((call) => call.method !== 'GET')).toHaveLength(0);
  });
});
