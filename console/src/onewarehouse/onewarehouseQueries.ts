import { useQuery } from '@tanstack/react-query';
import { useApiClient } from '../api/client';
import { ApiError, unwrap } from '../api/errors';
import type { Environment } from '../api/types';

export const onewarehouseKeys = {
  connection: (environment: Environment) => ['onewarehouse', 'connections', environment] as const,
  pushUrls: ['onewarehouse', 'push-urls'] as const,
};

/** A connection, or null while that environment is not configured yet (the API answers 404). */
export function useConnection(environment: Environment) {
  const api = useApiClient();
  return useQuery({
    queryKey: onewarehouseKeys.connection(environment),
    queryFn: async ({ signal }) => {
      try {
        return await unwrap(
          api.GET('/v1/onewarehouse/connections/{environment}', {
            params: { path: { environment } },
            signal,
          }),
        );
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) return null;
        throw error;
      }
    },
  });
}

export function usePushUrls() {
  const api = useApiClient();
  return useQuery({
    queryKey: onewarehouseKeys.pushUrls,
    queryFn: ({ signal }) => unwrap(api.GET('/v1/onewarehouse/push-urls', { signal })),
    select: (body) => body.items,
  });
}
