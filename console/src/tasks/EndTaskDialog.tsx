import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Form, Input, Typography } from 'antd';
import { useApiClient } from '../api/client';
import { unwrap } from '../api/errors';
import type { Task } from '../api/types';
import { ApiFormModal } from '../components/ApiFormModal';
import { taskTitle } from './taskLabels';
import { taskKeys } from './taskQueries';

export type TaskEnding = 'resolve' | 'cancel';

const REASON_MAX = 500;

const WORDING: Record<TaskEnding, { title: string; explanation: string; done: string }> = {
  resolve: {
    title: 'Resolve task',
    explanation:
      'Use this when the work was done outside the system. The task becomes Cancelled, with your name and this reason; the order is left as it is.',
    done: 'Task resolved',
  },
  cancel: {
    title: 'Cancel task',
    explanation:
      'Use this when the task is no longer needed. It becomes Cancelled, with your name and this reason, and runs no more.',
    done: 'Task cancelled',
  },
};

interface EndTaskDialogProps {
  ending: TaskEnding;
  task: Pick<Task, 'task_id' | 'order_no' | 'gwms_warehouse_code'>;
  onClose: () => void;
}

/** Resolve or cancel a task: asks for the reason the API records, then refreshes the task. */
export function EndTaskDialog({ ending, task, onClose }: EndTaskDialogProps) {
  const api = useApiClient();
  const queryClient = useQueryClient();
  const wording = WORDING[ending];
  const end = useMutation({
    mutationFn: ({ reason }: { reason: string }) => {
      const call = { params: { path: { task_id: task.task_id } }, body: { reason: reason.trim() } };
      return unwrap(
        ending === 'resolve'
          ? api.POST('/v1/tasks/{task_id}/resolve', call)
          : api.POST('/v1/tasks/{task_id}/cancel', call),
      );
    },
    // Accepted or refused (409: the task moved on), the page is stale either way.
    onSettled: () => queryClient.invalidateQueries({ queryKey: taskKeys.all }),
  });
  return (
    <ApiFormModal<{ reason: string }>
      title={`${wording.title} ${taskTitle(task)}?`}
      fieldNames={['reason']}
      submit={end.mutateAsync}
      successMessage={wording.done}
      onClose={onClose}
    >
      <Typography.Paragraph type="secondary">{wording.explanation}</Typography.Paragraph>
      <Form.Item
        label="Reason"
        name="reason"
        rules={[
          { required: true, whitespace: true, message: 'Enter the reason' },
          { max: REASON_MAX, message: `At most ${REASON_MAX} characters` },
        ]}
      >
        <Input.TextArea rows={3} showCount maxLength={REASON_MAX} />
      </Form.Item>
    </ApiFormModal>
  );
}
