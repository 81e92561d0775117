import { Alert } from 'antd';
import { errorMessage } from '../api/errors';

/** A failed load, in the API's own words. */
export function ErrorAlert({ error, title }: { error: unknown; title?: string }) {
  return (
    <Alert
      type="error"
      showIcon
      message={title ?? errorMessage(error)}
      description={title ? errorMessage(error) : undefined}
    />
  );
}
