import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { TaskStatus } from '../api/types';
import { TaskStatusTag } from './TaskStatusTag';

describe('TaskStatusTag', () => {
  it.each<[TaskStatus, string, string]>([
    ['waiting', 'Waiting', 'ant-tag-gold'],
    ['running', 'Running', 'ant-tag-processing'],
    ['success', 'Success', 'ant-tag-success'],
    ['manual', 'Manual handling', 'ant-tag-error'],
  ])('shows %s as "%s" in its colour (%s)', (status, label, colourClass) => {
    render(<TaskStatusTag status={status} />);

    expect(screen.getByText(label)).toHaveClass('ant-tag', colourClass);
  });

  it('shows Pending without a colour', () => {
    render(<TaskStatusTag status="pending" />);

    const tag = screen.getByText('Pending');
    expect(tag.className).not.toMatch(/ant-tag-(gold|processing|success|error|has-color)/);
    expect(tag).not.toHaveAttribute('style');
  });

  it('shows Cancelled in grey', () => {
    render(<TaskStatusTag status="cancelled" />);

    expect(screen.getByText('Cancelled')).toHaveStyle({ backgroundColor: '#8c8c8c' });
  });
});
