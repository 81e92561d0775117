import { Alert } from 'antd';
import { errorMessage } from '../api/errors';
import { RunbookLink } from '../runbook/RunbookLink';
import { runbookEntryFor } from '../runbook/runbookEntries';

/** A failed load, in the API's own words, with its runbook entry when it has one. */
export function ErrorAlert({ error, title }: { error: unknown; title?: string }) {
  const message = errorMessage(error);
  const runbook = runbookEntryFor(message) ? <RunbookLink message={message} /> : null;
  return (
    <Alert
      type="error"
      showIcon
      message={title ?? message}
      description={
        title ? (
          <>
            {message} {runbook}
          </>
        ) : (
          (runbook ?? undefined)
        )
      }
    />
  );
}
