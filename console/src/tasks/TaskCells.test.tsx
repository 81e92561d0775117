import { render, screen, within } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { describe, expect, it } from 'vitest';
import { aTask } from '../test/fixtures';
import { ExecutionSummaryCell, OrderNoCell, RouteInfoCell, TimeCell, TypeCell } from './TaskCells';

function renderInRouter(ui: React.ReactNode) {
  return render(<MemoryRouter>{ui}</MemoryRouter>);
}

describe('Order No. cell', () => {
  it('shows the business number as a link to the details and the third-party number, each copyable', () => {
    const task = aTask({ task_id: 'T-1', order_no: 'IN-1001', third_party_order_no: 'HPK-IN-77' });
    renderInRouter(<OrderNoCell task={task} detailsLink="/tasks/T-1" />);

    expect(screen.getByRole('link', { name: 'IN-1001' })).toHaveAttribute('href', '/tasks/T-1');
    expect(screen.getByText('HPK-IN-77')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Copy business order number' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Copy third-party order number' })).toBeInTheDocument();
  });

  it('leaves out the second line when there is no third-party number', () => {
    renderInRouter(<OrderNoCell task={aTask({ third_party_order_no: null })} detailsLink="/tasks/T-1001" />);

    expect(screen.getAllByRole('button')).toHaveLength(1);
    expect(screen.queryByRole('button', { name: 'Copy third-party order number' })).not.toBeInTheDocument();
  });

  it('names an inventory sync task without order number after its warehouse, still linking to its details', () => {
    const task = aTask({
      task_id: 'T-INV',
      task_type: 'inventory_sync',
      business_type: 'inventory',
      order_no: null,
      third_party_order_no: null,
      gwms_warehouse_code: 'GW-LA',
    });
    renderInRouter(<OrderNoCell task={task} detailsLink="/tasks/T-INV" />);

    expect(screen.getByRole('link', { name: 'Inventory sync · GW-LA' })).toHaveAttribute(
      'href',
      '/tasks/T-INV',
    );
    expect(screen.queryByRole('button')).not.toBeInTheDocument();
  });
});

describe('Type cell', () => {
  it.each([
    ['create', 'inbound', 'Create task', 'Inbound'],
    ['cancel', 'outbound', 'Cancel task', 'Outbound'],
    ['query', 'inbound', 'Query task', 'Inbound'],
    ['inventory_sync', 'inventory', 'Inventory sync task', 'Inventory'],
    ['notify', 'outbound', 'Notify task', 'Outbound'],
  ] as const)('shows %s / %s as "%s" over "%s"', (taskType, businessType, typeLabel, businessLabel) => {
    const { container } = render(<TypeCell task={{ task_type: taskType, business_type: businessType }} />);

    const lines = container.querySelector('.cell-lines')!.children;
    expect([...lines].map((line) => line.textContent)).toEqual([typeLabel, businessLabel]);
  });
});

describe('Route Info and Time cells', () => {
  it('labels the GWMS warehouse, proxy warehouse and system code', () => {
    render(<RouteInfoCell task={aTask()} />);

    expect(screen.getByText('GWMS:').parentElement).toHaveTextContent('GWMS: GW-LA');
    expect(screen.getByText('Proxy:').parentElement).toHaveTextContent('Proxy: HPK-LA1');
    expect(screen.getByText('System:').parentElement).toHaveTextContent('System: HPK01');
  });

  it('shows the next execution only while a run is still scheduled', () => {
    const { container, rerender } = render(<TimeCell task={aTask({ status: 'waiting' })} />);
    expect(within(container).getByText('Next execution:')).toBeInTheDocument();

    rerender(<TimeCell task={aTask({ status: 'success', next_execution_at: null })} />);
    expect(within(container).getByText('Created:')).toBeInTheDocument();
    expect(within(container).queryByText('Next execution:')).not.toBeInTheDocument();
  });
});

describe('Execution Summary cell', () => {
  it('says a manual-handling reason once, in red, when it is both the summary and the error', () => {
    const reason = 'Customer account not open, cannot receive';
    render(<ExecutionSummaryCell task={{ execution_summary: reason, error_message: reason }} />);

    expect(screen.getAllByText(reason)).toHaveLength(1);
    expect(screen.getByText(reason).closest('.ant-typography-danger')).not.toBeNull();
  });

  it('adds the last error under a summary that differs, and shows a plain summary plainly', () => {
    const { rerender } = render(
      <ExecutionSummaryCell
        task={{ execution_summary: 'Waiting to ship', error_message: 'HPK answered HTTP 503' }}
      />,
    );
    expect(screen.getByText('Waiting to ship').closest('.ant-typography-danger')).toBeNull();
    expect(screen.getByText('HPK answered HTTP 503').closest('.ant-typography-danger')).not.toBeNull();

    rerender(<ExecutionSummaryCell task={{ execution_summary: 'Put away 10', error_message: null }} />);
    expect(screen.getByText('Put away 10').closest('.ant-typography-danger')).toBeNull();
  });
});
