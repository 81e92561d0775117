import { Typography } from 'antd';
import { runbookEntryFor, runbookHref } from './runbookEntries';

/** "Runbook: …", linking an error message to its entry (a new tab, so the page stays as it was). */
export function RunbookLink({ message }: { message: string | null | undefined }) {
  const entry = runbookEntryFor(message);
  if (!entry) {
    return null;
  }
  return (
    <Typography.Link
      className="runbook-link"
      href={runbookHref(entry.anchor)}
      target="_blank"
      rel="noreferrer"
    >
      Runbook: {entry.title}
    </Typography.Link>
  );
}
