import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import runbook from '../../../docs/operations.md?raw';
import { fakeApi } from '../test/fakeApi';
import { aTaskDetail } from '../test/fixtures';
import { renderConsole } from '../test/renderConsole';
import { parseMarkdown } from './parseMarkdown';
import { RUNBOOK_ANCHORS, runbookEntryFor, runbookHref } from './runbookEntries';

describe('runbook entries of error messages', () => {
  it.each([
    ['Virtual putaway location not configured', 'virtual-putaway-location-not-configured'],
    ['Defective location not configured', 'defective-location-not-configured'],
    ['Customer account not open, cannot receive', 'customer-account-not-open'],
    [
      'System configuration error: HPK login refused for account demo (40101): bad password',
      'system-configuration-error',
    ],
    ['SKU sync failed: MUG-1 missing name, spec', 'sku-sync-failed'],
    ['Received, not put away: Virtual putaway location not configured', 'received-not-put-away'],
    ['Shipped, stock not deducted: Defective location not configured', 'shipped-stock-not-deducted'],
    ['5 consecutive failures, last: HPK did not answer in time (ReadTimeout)', 'consecutive-failures'],
    ['Retries exhausted after 12 runs, last: Waiting for HPK to decide the cancel', 'retries-exhausted'],
    ['HPK rejected the data: weight is required', 'hpk-rejected-the-data'],
    ['HPK code 40903: order already picked', 'hpk-code'],
    ['Proxy warehouse exception: address unreachable', 'proxy-warehouse-exception'],
    ['Unexpected error (KeyError); see the task runner logs', 'unexpected-error'],
    ['Drop shipping orders cannot be cancelled', 'cancel-rejected'],
  ])('%s → #%s', (message, anchor) => {
    expect(runbookEntryFor(message)?.anchor).toBe(anchor);
  });

  it('has no entry for what needs none', () => {
    expect(runbookEntryFor('Received and put away: 3 qualified, 0 defective')).toBeNull();
    expect(runbookEntryFor(null)).toBeNull();
  });

  it('links only to entries docs/operations.md has', () => {
    const ids = new Set(
      parseMarkdown(runbook).flatMap((block) => (block.kind === 'heading' && block.id ? [block.id] : [])),
    );
    for (const anchor of RUNBOOK_ANCHORS) expect(ids).toContain(anchor);
  });
});

describe('the runbook in the console', () => {
  it('links a task error to its entry, which the runbook page shows under that anchor', async () => {
    const task = aTaskDetail({
      task_id: 'T-1001',
      status: 'manual',
      execution_summary: 'Customer account not open, cannot receive',
      error_message: 'Customer account not open, cannot receive',
    });
    const api = fakeApi({
      'GET /v1/tasks/T-1001': { body: task },
      'GET /v1/tasks/T-1001/request-logs': { body: { items: [], next_cursor: null } },
    });
    renderConsole({ api, path: '/tasks/T-1001' });

    const dialog = await screen.findByRole('dialog');
    const link = await within(dialog).findByRole('link', { name: 'Runbook: Customer account not open' });
    expect(link).toHaveAttribute('href', runbookHref('customer-account-not-open'));
    // The console's own page (under Vite's base, /console/ when built), opened beside the dialog.
    expect(link).toHaveAttribute('target', '_blank');
  });

  it('renders docs/operations.md with its entries as anchors', async () => {
    renderConsole({ api: fakeApi({}), path: '/runbook#customer-account-not-open' });

    const entry = await screen.findByRole('heading', { name: /Customer account not open, cannot receive/ });
    expect(entry).toHaveAttribute('id', 'customer-account-not-open');
    expect(screen.getByRole('heading', { name: /3\.4 TaskRunDeadLetter/ })).toHaveAttribute(
      'id',
      'alarm-task-run-dead-letter',
    );
    expect(screen.getAllByRole('table').length).toBeGreaterThan(0);
  });
});
