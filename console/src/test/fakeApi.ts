import { vi } from 'vitest';
import { createApiClient } from '../api/client';
import { bearerToken } from '../auth/bearerToken';
import { createCognitoAuth } from '../auth/cognitoAuth';
import { TEST_AUTH_CONFIG } from './auth';
import { anAdmin, aViewer } from './fixtures';

export interface FakeReply {
  status?: number;
  body?: unknown;
}

export interface RecordedCall {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
  /** The Authorization header the call carried, if any. */
  authorization: string | null;
}

type Handler = FakeReply | ((call: RecordedCall, pathParams: Record<string, string>) => FakeReply);

/**
 * A fake API at the network edge: openapi-fetch gets a `fetch` that answers from `routes`
 * (`"GET /v1/tasks/:task_id"` → reply) and records every call. Unknown routes answer 404.
 * The client signs its calls with the console's own Cognito auth (on the fake pool of fakeCognito.ts);
 * `GET /v1/me` answers for the token's user (viewer@example.com a viewer, anyone else an admin) unless
 * `routes` says otherwise.
 */
export function fakeApi(routes: Record<string, Handler>) {
  routes = {
    'GET /v1/me': (call) => ({ body: call.authorization?.includes('viewer@') ? aViewer() : anAdmin() }),
    ...routes,
  };
  const calls: RecordedCall[] = [];
  const fetch = vi.fn(async (request: Request) => {
    const url = new URL(request.url);
    const text = await request.text();
    const call: RecordedCall = {
      method: request.method,
      path: decodeURIComponent(url.pathname),
      query: url.searchParams,
      body: text ? JSON.parse(text) : undefined,
      authorization: request.headers.get('authorization'),
    };
    calls.push(call);
    const route = findRoute(routes, call);
    const reply = !route
      ? { status: 404, body: { message: `No fake for ${call.method} ${call.path}` } }
      : typeof route.handler === 'function'
        ? route.handler(call, route.pathParams)
        : route.handler;
    return new Response(reply.body === undefined ? null : JSON.stringify(reply.body), {
      status: reply.status ?? 200,
      headers: { 'content-type': 'application/json' },
    });
  });
  const auth = createCognitoAuth(TEST_AUTH_CONFIG);
  const client = createApiClient({ baseUrl: 'http://console.test', fetch, middleware: [bearerToken(auth)] });
  const callsTo = (method: string, path: string) =>
    calls.filter((call) => call.method === method && call.path === path);
  return { client, auth, fetch, calls, callsTo };
}

export type FakeApi = ReturnType<typeof fakeApi>;

// Literal routes win over patterns, so /v1/tasks/overview is not taken for /v1/tasks/:task_id.
function findRoute(routes: Record<string, Handler>, call: RecordedCall) {
  const candidates = Object.entries(routes).sort(
    ([a], [b]) => Number(a.includes(':')) - Number(b.includes(':')),
  );
  for (const [route, handler] of candidates) {
    const [method, pattern] = route.split(' ');
    if (method !== call.method) continue;
    const pathParams = matchPath(pattern, call.path);
    if (pathParams) return { handler, pathParams };
  }
  return undefined;
}

function matchPath(pattern: string, path: string): Record<string, string> | null {
  const expected = pattern.split('/');
  const actual = path.split('/');
  if (expected.length !== actual.length) return null;
  const params: Record<string, string> = {};
  for (const [index, segment] of expected.entries()) {
    if (segment.startsWith(':')) params[segment.slice(1)] = actual[index];
    else if (segment !== actual[index]) return null;
  }
  return params;
}
