import type { FormInstance } from 'antd';
import { ApiError, errorMessage } from '../api/errors';

/**
 * Puts the API's 422 field errors (`errors: [{field, message}]`) on the form fields of the same name
 * (the forms name their fields after the API's). Returns what no field can show (the API's overall
 * message), or null when every error found its field.
 */
export function showApiErrorsOnForm<Values>(
  form: FormInstance<Values>,
  fieldNames: readonly string[],
  error: unknown,
): string | null {
  if (!(error instanceof ApiError) || error.fieldErrors.length === 0) return errorMessage(error);
  const onFields = error.fieldErrors.filter((fieldError) => fieldNames.includes(fieldError.field));
  form.setFields(
    onFields.map((fieldError) => ({ name: fieldError.field as never, errors: [fieldError.message] })),
  );
  return onFields.length === error.fieldErrors.length ? null : error.message;
}
