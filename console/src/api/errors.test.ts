import { describe, expect, it } from 'vitest';
import { createApiClient } from './client';
import { ApiError, unwrap } from './errors';

const clientAnswering = (fetch: (request: Request) => Promise<Response>) =>
  createApiClient({ baseUrl: 'http://console.test', fetch });

describe('API errors', () => {
  it('carry the API’s own message and field errors', async () => {
    const body = {
      message: 'Invalid request: version: HPK needs version 5',
      errors: [{ field: 'version', message: 'HPK needs version 5' }],
    };
    const api = clientAnswering(async () => new Response(JSON.stringify(body), { status: 422 }));

    const error = await unwrap(api.GET('/v1/proxy-systems')).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 422,
      message: 'Invalid request: version: HPK needs version 5',
      fieldErrors: [{ field: 'version', message: 'HPK needs version 5' }],
    });
  });

  it('fall back to a plain-text body, then to the HTTP status', async () => {
    const gateway = clientAnswering(async () => new Response('Service Unavailable', { status: 503 }));
    const silent = clientAnswering(
      async () => new Response('', { status: 500, statusText: 'Internal Server Error' }),
    );

    await expect(unwrap(gateway.GET('/v1/proxy-systems'))).rejects.toThrow('Service Unavailable');
    await expect(unwrap(silent.GET('/v1/proxy-systems'))).rejects.toThrow('500 Internal Server Error');
  });

  it('say the API is unreachable when no answer comes', async () => {
    const api = clientAnswering(async () => {
      throw new TypeError('Failed to fetch');
    });

    await expect(unwrap(api.GET('/v1/proxy-systems'))).rejects.toThrow(
      'The API is unreachable. Check your network connection and try again.',
    );
  });

  it('pass successful bodies through', async () => {
    const api = clientAnswering(async () => new Response(JSON.stringify({ items: [] }), { status: 200 }));

    await expect(unwrap(api.GET('/v1/proxy-systems'))).resolves.toEqual({ items: [] });
  });
});
