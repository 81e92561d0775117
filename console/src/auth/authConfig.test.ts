import { describe, expect, it, vi } from 'vitest';
import { loadAuthConfig } from './authConfig';

const LOCAL = {
  region: 'us-east-1',
  userPoolId: 'us-east-1_abc123',
  userPoolClientId: 'client-1',
  cognitoEndpoint: 'http://127.0.0.1:5000',
  authFlow: 'USER_PASSWORD_AUTH',
};

const answering = (body: unknown, status = 200) =>
  vi.fn(
    async () =>
      new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } }),
  );

describe('config.json', () => {
  it('is read from next to the console', async () => {
    const fetchConfig = answering(LOCAL);
    expect(await loadAuthConfig(fetchConfig)).toEqual(LOCAL);
    expect(fetchConfig).toHaveBeenCalledWith('/console/config.json', { cache: 'no-store' });
  });

  it('leaves the endpoint to the library on AWS', async () => {
    const aws = { ...LOCAL, cognitoEndpoint: null, authFlow: 'USER_SRP_AUTH' };
    expect(await loadAuthConfig(answering(aws))).toEqual(aws);
  });

  it('says what is wrong with it', async () => {
    await expect(loadAuthConfig(answering({ ...LOCAL, userPoolId: '' }))).rejects.toThrow(
      'The console configuration (/console/config.json) could not be loaded: userPoolId is missing',
    );
    await expect(loadAuthConfig(answering({}, 404))).rejects.toThrow('could not be loaded: 404');
    await expect(loadAuthConfig(answering({ ...LOCAL, authFlow: 'CUSTOM_AUTH' }))).rejects.toThrow(
      'authFlow CUSTOM_AUTH is not USER_PASSWORD_AUTH or USER_SRP_AUTH',
    );
  });
});
