/** What the console needs to sign operators in; served next to it at /console/config.json. */
export interface AuthConfig {
  region: string;
  userPoolId: string;
  userPoolClientId: string;
  /** Cognito's endpoint; null on AWS (the library's default for the region), moto's server locally. */
  cognitoEndpoint: string | null;
  /** SRP on AWS; the plain password flow locally, as moto's Cognito has no SRP. */
  authFlow: 'USER_PASSWORD_AUTH' | 'USER_SRP_AUTH';
}

// Beside index.html under the base path (vite.config.ts base, the router basename in main.tsx).
export const CONFIG_URL = '/console/config.json';

export class ConfigError extends Error {
  constructor(detail: string) {
    super(`The console configuration (${CONFIG_URL}) could not be loaded: ${detail}`);
    this.name = 'ConfigError';
  }
}

/** Fetches and checks config.json; a ConfigError says what is wrong with it. */
export async function loadAuthConfig(fetchConfig: typeof fetch = fetch): Promise<AuthConfig> {
  let response: Response;
  try {
    response = await fetchConfig(CONFIG_URL, { cache: 'no-store' });
  } catch {
    throw new ConfigError('no answer');
  }
  if (!response.ok) throw new ConfigError(`${response.status} ${response.statusText}`.trim());
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    throw new ConfigError('not JSON');
  }
  return parseAuthConfig(body);
}

export function parseAuthConfig(body: unknown): AuthConfig {
  const config = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  for (const key of ['region', 'userPoolId', 'userPoolClientId'] as const) {
    if (typeof config[key] !== 'string' || !config[key]) throw new ConfigError(`${key} is missing`);
  }
  const endpoint = config.cognitoEndpoint ?? null;
  if (endpoint !== null && typeof endpoint !== 'string')
    throw new ConfigError('cognitoEndpoint is not a URL');
  const authFlow = config.authFlow ?? 'USER_SRP_AUTH';
  if (authFlow !== 'USER_PASSWORD_AUTH' && authFlow !== 'USER_SRP_AUTH')
    throw new ConfigError(`authFlow ${String(authFlow)} is not USER_PASSWORD_AUTH or USER_SRP_AUTH`);
  return {
    region: config.region as string,
    userPoolId: config.userPoolId as string,
    userPoolClientId: config.userPoolClientId as string,
    cognitoEndpoint: endpoint || null,
    authFlow,
  };
}
