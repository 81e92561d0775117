/** One field the API refused, as its 422 body names it: `{"field": "version", "message": "..."}`. */
export interface FieldError {
  field: string;
  message: string;
}

/** An error answer from the API, carrying its own wording (`message`) for the operator. */
export class ApiError extends Error {
  readonly status: number;
  readonly fieldErrors: FieldError[];

  constructor(status: number, message: string, fieldErrors: FieldError[] = []) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.fieldErrors = fieldErrors;
  }
}

export class ApiUnreachableError extends Error {
  constructor() {
    super('The API is unreachable. Check your network connection and try again.');
    this.name = 'ApiUnreachableError';
  }
}

interface CallResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/**
 * The data of a successful openapi-fetch call, or an ApiError worded by the API.
 * The OpenAPI document does not describe error bodies (`{"message", "errors"?}`), hence `unknown`.
 */
export async function unwrap<T>(call: Promise<CallResult<T>>): Promise<T> {
  const { data, error, response } = await call;
  if (response.ok) return data as T;
  throw toApiError(response, error);
}

function toApiError(response: Response, body: unknown): ApiError {
  const { message, errors } = (typeof body === 'object' && body !== null ? body : {}) as {
    message?: unknown;
    errors?: unknown;
  };
  const fallback =
    typeof body === 'string' && body.trim() ? body.trim() : `${response.status} ${response.statusText}`;
  const fieldErrors = Array.isArray(errors) ? errors.filter(isFieldError) : [];
  return new ApiError(response.status, typeof message === 'string' ? message : fallback, fieldErrors);
}

function isFieldError(value: unknown): value is FieldError {
  const candidate = value as FieldError;
  return typeof candidate?.field === 'string' && typeof candidate?.message === 'string';
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
