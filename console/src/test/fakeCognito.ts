/**
 * amazon-cognito-identity-js at the module edge (mocked in setup.ts): a user pool in memory that keeps
 * its session where the real library does, under `CognitoIdentityServiceProvider.<client id>.*` keys of
 * the Storage it is given.
 */
import type { IAuthenticationCallback } from 'amazon-cognito-identity-js';

interface FakeUser {
  password: string;
  mustChangePassword?: boolean;
}

interface PoolData {
  UserPoolId: string;
  ClientId: string;
  endpoint?: string;
  Storage?: Storage;
}

export const cognito = {
  users: new Map<string, FakeUser>(),
  /** Every pool the code under test created, with the options it passed. */
  pools: [] as PoolData[],
  /** Authentication flow types asked for, one per sign-in. */
  flows: [] as string[],
  /** Whether a stored session has expired (then getSession refreshes it) and the refresh works. */
  expired: false,
  refreshFails: false,
  refreshes: 0,
  revocations: 0,
  reset() {
    this.users = new Map([
      ['operator@example.com', { password: 'Local-Pass-1' }],
      ['viewer@example.com', { password: 'Local-Pass-1' }],
    ]);
    this.pools = [];
    this.flows = [];
    this.expired = false;
    this.refreshFails = false;
    this.refreshes = 0;
    this.revocations = 0;
  },
};

export const TEST_CLIENT_ID = 'test-client-id';

function keys(clientId: string, username?: string) {
  const prefix = `CognitoIdentityServiceProvider.${clientId}`;
  return { lastUser: `${prefix}.LastAuthUser`, idToken: `${prefix}.${username}.idToken` };
}

/** The ID token a session of `email` carries, as the fake issues it (`generation` counts refreshes). */
export function idTokenOf(email: string, generation = 1) {
  return `id-token.${email}.${generation}`;
}

/** A session as sign-in leaves it, on `storage` (sessionStorage by default). */
export function storeSession(
  email: string,
  storage: Storage = window.sessionStorage,
  clientId = TEST_CLIENT_ID,
) {
  const { lastUser, idToken } = keys(clientId, email);
  storage.setItem(lastUser, email);
  storage.setItem(idToken, idTokenOf(email));
}

class FakeSession {
  constructor(private readonly token: string) {}
  isValid() {
    return true;
  }
  getIdToken() {
    return { getJwtToken: () => this.token };
  }
}

function cognitoError(code: string, message: string) {
  return Object.assign(new Error(message), { code, name: code });
}

export class CognitoUserPool {
  readonly storage: Storage;
  constructor(readonly data: PoolData) {
    if (!data.UserPoolId || !data.ClientId) throw new Error('Both UserPoolId and ClientId are required.');
    this.storage = data.Storage ?? window.localStorage;
    cognito.pools.push(data);
  }
  getClientId() {
    return this.data.ClientId;
  }
  getCurrentUser() {
    const username = this.storage.getItem(keys(this.data.ClientId).lastUser);
    return username ? new CognitoUser({ Username: username, Pool: this, Storage: this.storage }) : null;
  }
}

export class AuthenticationDetails {
  constructor(private readonly data: { Username: string; Password?: string }) {}
  getUsername() {
    return this.data.Username;
  }
  getPassword() {
    return this.data.Password;
  }
}

export class CognitoUser {
  private readonly username: string;
  private readonly pool: CognitoUserPool;
  private readonly storage: Storage;
  private flow = 'USER_SRP_AUTH';
  private hasSession = false;

  constructor(data: { Username: string; Pool: CognitoUserPool; Storage?: Storage }) {
    this.username = data.Username;
    this.pool = data.Pool;
    this.storage = data.Storage ?? data.Pool.storage;
  }

  setAuthenticationFlowType(flow: string) {
    this.flow = flow;
  }

  authenticateUser(details: AuthenticationDetails, callbacks: IAuthenticationCallback) {
    cognito.flows.push(this.flow);
    setTimeout(() => {
      const user = cognito.users.get(details.getUsername());
      if (!user || user.password !== details.getPassword())
        return callbacks.onFailure(cognitoError('NotAuthorizedException', 'Incorrect username or password.'));
      if (user.mustChangePassword) return callbacks.newPasswordRequired?.({}, []);
      this.startSession(callbacks);
    });
  }

  completeNewPasswordChallenge(
    newPassword: string,
    _attributes: unknown,
    callbacks: IAuthenticationCallback,
  ) {
    setTimeout(() => {
      if (newPassword.length < 8)
        return callbacks.onFailure(
          cognitoError(
            'InvalidPasswordException',
            'Password does not conform to policy: Password not long enough',
          ),
        );
      cognito.users.set(this.username, { password: newPassword });
      this.startSession(callbacks);
    });
  }

  /** As the library: a valid stored session answers at once (synchronously), an expired one is refreshed. */
  getSession(callback: (error: Error | null, session: FakeSession | null) => void) {
    const { idToken } = keys(this.pool.getClientId(), this.username);
    const token = this.storage.getItem(idToken);
    if (!token) return callback(new Error('Local storage is missing an ID Token, Please authenticate'), null);
    if (!cognito.expired) {
      this.hasSession = true;
      return callback(null, new FakeSession(token));
    }
    setTimeout(() => {
      cognito.refreshes += 1;
      if (cognito.refreshFails)
        return callback(cognitoError('NotAuthorizedException', 'Refresh Token has expired'), null);
      cognito.expired = false;
      const refreshed = idTokenOf(this.username, cognito.refreshes + 1);
      this.storage.setItem(idToken, refreshed);
      this.hasSession = true;
      callback(null, new FakeSession(refreshed));
    });
  }

  /** Local only, as the library's signOut() without a callback. */
  signOut() {
    const { lastUser, idToken } = keys(this.pool.getClientId(), this.username);
    this.storage.removeItem(idToken);
    this.storage.removeItem(lastUser);
    this.hasSession = false;
  }

  /** Revokes the refresh token of the session this object holds in memory. */
  revokeTokens(callback: (error?: Error) => void) {
    if (!this.hasSession) return callback(new Error('User is not authenticated'));
    cognito.revocations += 1;
    setTimeout(() => callback());
  }

  private startSession(callbacks: IAuthenticationCallback) {
    const { lastUser, idToken } = keys(this.pool.getClientId(), this.username);
    this.storage.setItem(lastUser, this.username);
    this.storage.setItem(idToken, idTokenOf(this.username));
    this.hasSession = true;
    callbacks.onSuccess(new FakeSession(idTokenOf(this.username)) as never);
  }
}
