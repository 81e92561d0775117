import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { fakeApi } from '../test/fakeApi';
import { anAdjustment, anOverview, aTaskDetail } from '../test/fixtures';
import { renderConsole } from '../test/renderConsole';

const inventorySync = aTaskDetail({
  task_id: 'T-INV',
  task_type: 'inventory_sync',
  business_type: 'inventory',
  order_no: null,
  status: 'success',
  can_sync_now: false,
});

function adjustmentsApi() {
  return fakeApi({
    'GET /v1/tasks': { body: { items: [], next_cursor: null } },
    'GET /v1/tasks/overview': { body: anOverview() },
    'GET /v1/tasks/:task_id': { body: inventorySync },
    'GET /v1/tasks/:task_id/request-logs': { body: { items: [], next_cursor: null } },
    'GET /v1/tasks/:task_id/adjustments': (call) =>
      call.query.get('cursor') === 'page-2'
        ? {
            body: {
              items: [anAdjustment({ gsku: 'GSKU-9', delta: 0, before: 3, after: 3 })],
              next_cursor: null,
            },
          }
        : {
            body: {
              items: [
                anAdjustment(),
                anAdjustment({
                  gsku: 'GSKU-2',
                  inventory_type: 'defective',
                  location: 'HPK-DEF',
                  before: 10,
                  after: 7,
                  delta: -3,
                  available: 7,
                  locked: 0,
                }),
              ],
              next_cursor: 'page-2',
            },
          },
  });
}

async function openAdjustments() {
  const dialog = await screen.findByRole('dialog');
  await userEvent.click(await within(dialog).findByRole('tab', { name: 'Adjustments' }));
  await within(dialog).findByText('GSKU-2');
  return dialog;
}

const rowOf = (dialog: HTMLElement, gsku: string) => within(dialog).getByText(gsku).closest('tr')!;

describe('Adjustments', () => {
  it('is a tab of an inventory sync only, beside the snapshot', async () => {
    renderConsole({ api: adjustmentsApi(), path: '/tasks/T-INV' });

    const dialog = await screen.findByRole('dialog');
    await within(dialog).findByRole('tab', { name: 'Adjustments' });
    expect(
      within(dialog)
        .getAllByRole('tab')
        .map((tab) => tab.textContent),
    ).toEqual(['Task Details', 'History', 'Proxy Warehouse Inventory', 'Adjustments']);
  });

  it('shows every correction with its batch, location, before and after, and the delta signed in colour', async () => {
    renderConsole({ api: adjustmentsApi(), path: '/tasks/T-INV' });
    const dialog = await openAdjustments();

    const headers = within(within(dialog).getByRole('table')).getAllByRole('columnheader');
    expect(headers.map((header) => header.textContent)).toEqual([
      'GSKU',
      'Type',
      'Proxy Inbound No.',
      'Inbound No.',
      'Inbound At',
      'Location',
      'Before',
      'After',
      'Delta',
      'Available',
      'Locked',
    ]);
    const added = rowOf(dialog, 'GSKU-1');
    expect([...added.querySelectorAll('td')].map((cell) => cell.textContent)).toEqual([
      'GSKU-1',
      'Qualified',
      'HPKIN-9',
      'IN-1001',
      '2026-06-01 08:00:00',
      'HPK-VPA',
      '75',
      '80',
      '+5',
      '60',
      '20',
    ]);
    expect(within(added).getByText('+5').closest('.ant-typography')).toHaveClass('ant-typography-success');
    const taken = rowOf(dialog, 'GSKU-2');
    expect(within(taken).getByText('Defective')).toBeInTheDocument();
    expect(within(taken).getByText('-3').closest('.ant-typography')).toHaveClass('ant-typography-danger');
  });

  it('pages with the cursor', async () => {
    const api = adjustmentsApi();
    renderConsole({ api, path: '/tasks/T-INV' });
    const dialog = await openAdjustments();

    await userEvent.click(within(dialog).getByRole('button', { name: /Next/ }));

    expect(await within(dialog).findByText('GSKU-9')).toBeInTheDocument();
    expect(within(dialog).queryByText('GSKU-2')).not.toBeInTheDocument();
    await waitFor(() =>
      expect(api.callsTo('GET', '/v1/tasks/T-INV/adjustments').at(-1)?.query.get('cursor')).toBe('page-2'),
    );
    expect(within(dialog).getByText('Page 2')).toBeInTheDocument();
  });
});
