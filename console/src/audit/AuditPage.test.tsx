import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { AuditEvent } from '../api/types';
import { fakeApi } from '../test/fakeApi';
import { anAuditEvent, anOverview } from '../test/fixtures';
import { renderConsole } from '../test/renderConsole';

const syncNow = anAuditEvent();
const refused = anAuditEvent({
  event_id: 'E-2',
  recorded_at: '2026-06-04T10:10:00.000000Z',
  actor: { door: 'operator', subject: '66666666-7777-8888-9999-000000000000', email: null },
  action: 'delete proxy warehouse system',
  method: 'DELETE',
  path: '/v1/proxy-systems/HPK01',
  target: 'proxy system HPK01',
  request_id: null,
  status: 409,
});
const gwms = anAuditEvent({
  event_id: 'E-3',
  recorded_at: '2026-06-04T10:00:00.000000Z',
  actor: { door: 'gwms', subject: 'arn:aws:iam::123456789012:user/gwms', email: null },
  action: 'create inbound order',
  method: 'POST',
  path: '/v1/inbound-orders',
  target: 'inbound order IN-1',
  request_id: 'req-5xx',
  status: 502,
});

function auditApi(pages: Record<string, { items: AuditEvent[]; next_cursor: string | null }>) {
  return fakeApi({
    'GET /v1/audit-events': (call) => ({ body: pages[call.query.get('cursor') ?? ''] }),
    'GET /v1/tasks': { body: { items: [], next_cursor: null } },
    'GET /v1/tasks/overview': { body: anOverview() },
  });
}

const rowOf = (eventId: string) =>
  screen.findByText(
    (_, element) => element?.tagName === 'TR' && element.getAttribute('data-row-key') === eventId,
  );

describe('Audit', () => {
  it('is in the sidebar after Logs', async () => {
    renderConsole({ api: auditApi({ '': { items: [syncNow], next_cursor: null } }) });

    const items = (await screen.findAllByRole('menuitem')).map((item) => item.textContent);
    expect(items.slice(items.indexOf('Logs'), items.indexOf('Logs') + 2)).toEqual(['Logs', 'Audit']);
    await userEvent.click(screen.getByRole('link', { name: 'Audit' }));

    expect(screen.getByTestId('current-location')).toHaveTextContent(/^\/audit$/);
    expect(await rowOf('E-1')).toBeInTheDocument();
  });

  it('lists who did what to which target, and how it ended', async () => {
    renderConsole({
      api: auditApi({ '': { items: [syncNow, refused, gwms], next_cursor: null } }),
      path: '/audit',
    });

    const first = await rowOf('E-1');
    // 10:15 UTC in Asia/Shanghai.
    expect(within(first).getByText('2026-06-04 18:15:00')).toBeInTheDocument();
    expect(within(first).getByText('operator@example.com')).toBeInTheDocument();
    expect(within(first).getByText('Operator')).toBeInTheDocument();
    expect(within(first).getByText('run Sync Now')).toBeInTheDocument();
    expect(within(first).getByText('POST /v1/tasks/T-1/sync-now')).toBeInTheDocument();
    expect(within(first).getByText('task T-1')).toBeInTheDocument();
    expect(within(first).getByText('req-9f2')).toBeInTheDocument();
    expect(within(first).getByText('202')).toHaveClass('ant-tag-green');

    const second = await rowOf('E-2');
    // No email: the Cognito subject names the operator.
    expect(within(second).getByText('66666666-7777-8888-9999-000000000000')).toBeInTheDocument();
    expect(within(second).getByText('409')).toHaveClass('ant-tag-orange');
    expect(within(second).getByText('—')).toBeInTheDocument();

    const third = await rowOf('E-3');
    expect(within(third).getByText('GWMS')).toBeInTheDocument();
    expect(within(third).getByText('arn:aws:iam::123456789012:user/gwms')).toBeInTheDocument();
    expect(within(third).getByText('502')).toHaveClass('ant-tag-red');
  });

  it('searches by what the URL holds, and the form puts a new search in the URL', async () => {
    const api = auditApi({ '': { items: [syncNow], next_cursor: null } });
    renderConsole({ api, path: '/audit?actor=operator%40example.com&from=2026-06-04T00%3A00%3A00.000Z' });

    await rowOf('E-1');
    const first = api.callsTo('GET', '/v1/audit-events')[0].query;
    expect(first.get('actor')).toBe('operator@example.com');
    expect(first.get('from')).toBe('2026-06-04T00:00:00.000Z');
    expect(first.get('limit')).toBe('20');
    expect(screen.getByLabelText('Actor')).toHaveValue('operator@example.com');

    await userEvent.type(screen.getByLabelText('Target'), 'task T-1');
    await userEvent.click(screen.getByRole('button', { name: 'Search' }));

    await waitFor(() =>
      expect(screen.getByTestId('current-location')).toHaveTextContent(
        '/audit?actor=operator%40example.com&target=task+T-1&from=2026-06-04T00%3A00%3A00.000Z',
      ),
    );
    await waitFor(() =>
      expect(api.callsTo('GET', '/v1/audit-events').at(-1)?.query.get('target')).toBe('task T-1'),
    );
  });

  it('pages with the cursor, back and forth', async () => {
    const older = anAuditEvent({ event_id: 'E-OLD', target: 'task T-0' });
    const api = auditApi({
      '': { items: [syncNow], next_cursor: 'c-2' },
      'c-2': { items: [older], next_cursor: null },
    });
    renderConsole({ api, path: '/audit' });

    await rowOf('E-1');
    await userEvent.click(screen.getByRole('button', { name: /Next/ }));
    expect(await rowOf('E-OLD')).toBeInTheDocument();
    expect(screen.getByText('Page 2')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: /Next/ })).toBeDisabled();

    await userEvent.click(screen.getByRole('button', { name: /Previous/ }));
    expect(await rowOf('E-1')).toBeInTheDocument();
  });
});
