import { type QueryKey, useMutation, useQueryClient } from '@tanstack/react-query';
import { App, type ModalFuncProps } from 'antd';
import type { ReactNode } from 'react';
import { errorMessage } from '../api/errors';

interface ConfirmedAction<Target, Result> {
  run: (target: Target) => Promise<Result>;
  confirmation: (target: Target) => Omit<ModalFuncProps, 'onOk' | 'onCancel'>;
  succeeded: (result: Result, target: Target) => ReactNode;
  /** Refreshed after the action, whether it was accepted or refused (a refusal means the page is stale). */
  invalidates: QueryKey[];
  onSettled?: () => void;
  onSucceeded?: (result: Result, target: Target) => void;
}

/** Every action confirms, then reports: success in the console's words, a refusal in the API's. */
export function useConfirmedAction<Target, Result>({
  run,
  confirmation,
  succeeded,
  invalidates,
  onSettled,
  onSucceeded,
}: ConfirmedAction<Target, Result>) {
  const queryClient = useQueryClient();
  const { modal, message } = App.useApp();
  const action = useMutation({
    mutationFn: run,
    onSettled: () => {
      onSettled?.();
      for (const queryKey of invalidates) void queryClient.invalidateQueries({ queryKey });
    },
  });
  return (target: Target) =>
    modal.confirm({
      okText: 'OK',
      cancelText: 'Cancel',
      ...confirmation(target),
      onOk: async () => {
        try {
          const result = await action.mutateAsync(target);
          message.success(succeeded(result, target));
          onSucceeded?.(result, target);
        } catch (error) {
          message.error(errorMessage(error));
        }
      },
    });
}
