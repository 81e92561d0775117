import { Button, type ButtonProps, Tooltip } from 'antd';
import type { ReactNode } from 'react';
import { type Guard, usePermission } from './me';

/** A button the signed-in user's role may not use: disabled, with the reason on hover. */
export function PermittedButton({ guard, disabled, ...props }: ButtonProps & { guard: Guard }) {
  const permission = usePermission(guard);
  return (
    <DisabledReason reason={permission.allowed ? undefined : permission.reason}>
      <Button {...props} disabled={disabled || !permission.allowed} />
    </DisabledReason>
  );
}

/** The reason a control is disabled, on hover; a disabled button's own handlers never run, so a wrapper takes it. */
export function DisabledReason({ reason, children }: { reason: string | undefined; children: ReactNode }) {
  if (!reason) return children;
  return (
    <Tooltip title={reason}>
      <span className="disabled-action">{children}</span>
    </Tooltip>
  );
}
