import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { fakeApi } from '../test/fakeApi';
import { aTask, anOverview } from '../test/fixtures';
import { renderConsole } from '../test/renderConsole';

function syncTasksApi() {
  return fakeApi({
    'GET /v1/tasks': {
      body: { items: [aTask({ status: 'success', can_sync_now: false })], next_cursor: null },
    },
    'GET /v1/tasks/overview': { body: anOverview() },
  });
}

// antd's default theme: colorError, colorWarning, colorPrimary.
const RED = 'rgb(255, 77, 79)';
const YELLOW = 'rgb(250, 173, 20)';
const BLUE = 'rgb(22, 119, 255)';

describe('Task Overview', () => {
  it('colours each primary count as the API says: red action needed, yellow attention, blue informational', async () => {
    renderConsole({ api: syncTasksApi() });

    const expected = {
      backlog: ['Backlog', '4', YELLOW],
      running: ['Running', '1', BLUE],
      manual: ['Manual handling', '2', RED],
    };
    for (const [key, [label, count, colour]] of Object.entries(expected)) {
      const card = await screen.findByTestId(`overview-card-${key}`);
      expect(card).toHaveTextContent(label);
      const value = within(card).getByText(count).closest('.ant-statistic-content');
      expect(value).toHaveStyle({ color: colour });
    }
  });

  it('filters the list by a card, names the filter in the hint bar, and Clear Filter returns to the full list', async () => {
    const api = syncTasksApi();
    renderConsole({ api, path: '/tasks?warehouse_code=GW-LA' });

    await userEvent.click(await screen.findByTestId('overview-card-backlog'));

    const hint = await screen.findByTestId('filter-hint');
    expect(hint).toHaveTextContent('Filtered by Backlog — Status: Pending, Waiting');
    expect(screen.getByTestId('current-location')).toHaveTextContent(
      '/tasks?warehouse_code=GW-LA&status=pending%2Cwaiting&card=backlog',
    );
    await waitFor(() =>
      expect(api.callsTo('GET', '/v1/tasks').at(-1)?.query.get('status')).toBe('pending,waiting'),
    );
    expect(api.callsTo('GET', '/v1/tasks').at(-1)?.query.get('warehouse_code')).toBe('GW-LA');

    await userEvent.click(within(hint).getByRole('button', { name: 'Clear Filter' }));

    expect(screen.queryByTestId('filter-hint')).not.toBeInTheDocument();
    expect(screen.getByTestId('current-location')).toHaveTextContent(/^\/tasks\?warehouse_code=GW-LA$/);
    await waitFor(() => expect(api.callsTo('GET', '/v1/tasks').at(-1)?.query.has('status')).toBe(false));
  });

  it('shows secondary metrics, the oldest backlog task and reminders when expanded; an overdue card filters by overdue', async () => {
    const api = syncTasksApi();
    renderConsole({ api });

    await userEvent.click(await screen.findByRole('button', { name: 'Expand' }));

    expect(screen.getByTestId('overview-card-success_today')).toHaveTextContent('Succeeded today (UTC)');
    expect(screen.getByRole('link', { name: 'IN-0001' })).toHaveAttribute('href', '/tasks/T-0001');
    expect(
      screen.getByText('2 task(s) need manual handling: fix the cause, then use Sync Now'),
    ).toBeInTheDocument();

    await userEvent.click(screen.getByTestId('overview-card-overdue'));

    await waitFor(() => expect(api.callsTo('GET', '/v1/tasks').at(-1)?.query.get('overdue')).toBe('true'));
    expect(screen.getByTestId('filter-hint')).toHaveTextContent('Overdue (schedule missed)');
  });

  it('says when the counts are approximate', async () => {
    const api = fakeApi({
      'GET /v1/tasks': { body: { items: [], next_cursor: null } },
      'GET /v1/tasks/overview': { body: anOverview({ approximate: true }) },
    });
    renderConsole({ api });

    expect(await screen.findByText(/Counts are approximate/)).toBeInTheDocument();
    expect(
      screen.getByText(
        'No sync tasks match these filters. Tasks appear here once an inbound/outbound order, cancel or inventory sync is pushed to a proxy warehouse.',
      ),
    ).toBeInTheDocument();
  });
});
