import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { DateTime } from './DateTime';

// The tests run in Asia/Shanghai (UTC+8, see vite.config.ts), so local and UTC differ visibly.
describe('DateTime', () => {
  it('shows an API time with microseconds in the browser zone, and the UTC value on hover', async () => {
    render(<DateTime value="2026-06-04T08:32:00.123456Z" />);

    const shown = screen.getByText('2026-06-04 16:32:00');
    await userEvent.hover(shown);

    expect(await screen.findByRole('tooltip')).toHaveTextContent('UTC 2026-06-04T08:32:00.123456Z');
  });

  it('crosses the date line like the clock does', () => {
    render(<DateTime value="2026-06-04T20:15:59.999999Z" />);

    expect(screen.getByText('2026-06-05 04:15:59')).toBeInTheDocument();
  });

  it('shows a dash for a time that has not happened', () => {
    render(<DateTime value={null} />);

    expect(screen.getByText('—')).toBeInTheDocument();
  });
});
