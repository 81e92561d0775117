import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { fakeApi } from '../test/fakeApi';
import { aTask, anOverview } from '../test/fixtures';
import { renderConsole } from '../test/renderConsole';

function listApi() {
  return fakeApi({
    'GET /v1/tasks': { body: { items: [aTask()], next_cursor: 'page-2' } },
    'GET /v1/tasks/overview': { body: anOverview() },
  });
}

describe('Sync Tasks filter bar', () => {
  it('shows the filters of a shared link and queries the API with them', async () => {
    const api = listApi();
    renderConsole({ api, path: '/tasks?status=waiting,manual&task_type=inventory_sync&order_no=IN-1001' });

    expect(await screen.findByTitle('Waiting')).toBeInTheDocument();
    expect(screen.getByTitle('Manual handling')).toBeInTheDocument();
    expect(screen.getByTitle('Inventory sync task')).toBeInTheDocument();
    expect(screen.getByLabelText('Order No.')).toHaveValue('IN-1001');
    await waitFor(() => expect(api.callsTo('GET', '/v1/tasks')).not.toHaveLength(0));
    const query = api.callsTo('GET', '/v1/tasks')[0].query;
    expect(Object.fromEntries(query)).toEqual({
      status: 'waiting,manual',
      task_type: 'inventory_sync',
      order_no: 'IN-1001',
      limit: '20',
    });
    expect(Object.fromEntries(api.callsTo('GET', '/v1/tasks/overview')[0].query)).toEqual({
      task_type: 'inventory_sync',
    });
  });

  it('puts what Search applies into the URL, and Reset clears it', async () => {
    const api = listApi();
    renderConsole({ api });

    await userEvent.type(await screen.findByLabelText('Warehouse'), 'GW-NJ');
    await userEvent.type(screen.getByLabelText('Order No.'), ' OUT-7 ');
    await userEvent.click(screen.getByRole('button', { name: 'Search' }));

    await waitFor(() =>
      expect(screen.getByTestId('current-location')).toHaveTextContent(
        '/tasks?warehouse_code=GW-NJ&order_no=OUT-7',
      ),
    );
    await waitFor(() => expect(api.callsTo('GET', '/v1/tasks').at(-1)?.query.get('order_no')).toBe('OUT-7'));

    await userEvent.click(screen.getByRole('button', { name: 'Reset' }));

    expect(screen.getByTestId('current-location')).toHaveTextContent(/^\/tasks$/);
    expect(screen.getByLabelText('Warehouse')).toHaveValue('');
  });

  it('pages forward with the API’s cursor and back again', async () => {
    const api = listApi();
    renderConsole({ api });

    await userEvent.click(await screen.findByRole('button', { name: 'Next' }));
    await waitFor(() => expect(api.callsTo('GET', '/v1/tasks').at(-1)?.query.get('cursor')).toBe('page-2'));
    expect(await screen.findByText('Page 2')).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Previous' }));
    expect(await screen.findByText('Page 1')).toBeInTheDocument();
  });
});
