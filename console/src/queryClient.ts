import { QueryClient } from '@tanstack/react-query';
import { ApiError } from './api/errors';

/** Retries only what may pass on a second try: no answer, or a server-side failure. */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        retry: (failures, error) => failures < 2 && !(error instanceof ApiError && error.status < 500),
      },
    },
  });
}
