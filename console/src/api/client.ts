import createClient, { type Middleware } from 'openapi-fetch';
import { createContext, useContext } from 'react';
import type { paths } from './schema';
import { ApiUnreachableError } from './errors';

export type ApiClient = ReturnType<typeof createClient<paths>>;

export interface ApiClientOptions {
  /** Empty in the browser: the console is served on the API's origin, so calls go to /v1/... */
  baseUrl?: string;
  fetch?: (request: Request) => Promise<Response>;
  /**
   * Extra openapi-fetch middleware, run on every request. The console passes `bearerToken(auth)`
   * (src/auth/bearerToken.ts): `Authorization: Bearer <Cognito ID token>`, and sign-in again on a 401.
   */
  middleware?: Middleware[];
}

// A rejected fetch means no HTTP answer at all; say so instead of the browser's "Failed to fetch".
const reportUnreachableApi: Middleware = {
  onError({ error }) {
    if (error instanceof DOMException && error.name === 'AbortError') return;
    return new ApiUnreachableError();
  },
};

export function createApiClient({ baseUrl = '', fetch, middleware = [] }: ApiClientOptions = {}): ApiClient {
  const client = createClient<paths>({ baseUrl, fetch });
  client.use(reportUnreachableApi, ...middleware);
  return client;
}

export const ApiClientContext = createContext<ApiClient | null>(null);

export function useApiClient(): ApiClient {
  const client = useContext(ApiClientContext);
  if (!client) throw new Error('useApiClient needs an <ApiClientContext.Provider> above it');
  return client;
}
