import {
  AuthenticationDetails,
  CognitoUser,
  type CognitoUserSession,
  CognitoUserPool,
  type IAuthenticationCallback,
} from 'amazon-cognito-identity-js';
import type { Auth, SignInResult } from './auth';
import type { AuthConfig } from './authConfig';

declare module 'amazon-cognito-identity-js' {
  interface CognitoUser {
    /** In the library (what signOut(callback) calls before clearing the storage), not in its typings. */
    revokeTokens(callback: (error?: Error) => void): void;
  }
}

/**
 * Auth on a Cognito user pool through amazon-cognito-identity-js: SRP (or the plain password flow
 * locally), tokens in this tab's sessionStorage through the library's Storage option, a silent refresh
 * with the refresh token when the ID token has expired.
 */
export function createCognitoAuth(config: AuthConfig, storage: Storage = window.sessionStorage): Auth {
  const pool = new CognitoUserPool({
    UserPoolId: config.userPoolId,
    ClientId: config.userPoolClientId,
    endpoint: config.cognitoEndpoint ?? undefined,
    Storage: storage,
  });
  const listeners = new Set<() => void>();
  // Calls made together while the token is being refreshed wait for one refresh.
  let pendingToken: Promise<string | null> | null = null;
  // The user object holding the session in memory, so Sign out can revoke it after the tab forgot it.
  let sessionHolder: CognitoUser | null = null;

  const clearSession = () => pool.getCurrentUser()?.signOut();

  const currentIdToken = () =>
    new Promise<string | null>((resolve) => {
      const user = pool.getCurrentUser();
      if (!user) return resolve(null);
      user.getSession((error: Error | null, session: CognitoUserSession | null) => {
        if (error || !session?.isValid()) {
          // Whatever the reason (refresh token expired or revoked, Cognito unreachable), sign in again.
          clearSession();
          return resolve(null);
        }
        sessionHolder = user;
        resolve(session.getIdToken().getJwtToken());
      });
    });

  const authenticate = (user: CognitoUser, start: (callbacks: IAuthenticationCallback) => void) =>
    new Promise<SignInResult>((resolve, reject) => {
      const unsupported = () =>
        reject(
          new Error(
            'This account needs a sign-in step the console does not support (MFA or a custom challenge).',
          ),
        );
      start({
        onSuccess: () => {
          sessionHolder = user;
          resolve({ status: 'signedIn' });
        },
        onFailure: (error: unknown) => reject(cognitoError(error)),
        newPasswordRequired: () =>
          resolve({
            status: 'newPasswordRequired',
            setNewPassword: (newPassword) =>
              authenticate(user, (callbacks) =>
                user.completeNewPasswordChallenge(newPassword, {}, callbacks),
              ),
          }),
        mfaRequired: unsupported,
        totpRequired: unsupported,
        mfaSetup: unsupported,
        selectMFAType: unsupported,
        customChallenge: unsupported,
      });
    });

  return {
    isSignedIn: () => pool.getCurrentUser() !== null,

    idToken() {
      pendingToken ??= currentIdToken().finally(() => {
        pendingToken = null;
      });
      return pendingToken;
    },

    signIn(email, password) {
      sessionHolder = null;
      clearSession();
      const user = new CognitoUser({ Username: email.trim(), Pool: pool, Storage: storage });
      user.setAuthenticationFlowType(config.authFlow);
      const details = new AuthenticationDetails({ Username: email.trim(), Password: password });
      return authenticate(user, (callbacks) => user.authenticateUser(details, callbacks));
    },

    async signOut() {
      const holder = sessionHolder;
      sessionHolder = null;
      // The tab forgets the session at once. The library's signOut(callback) would also revoke, but it
      // clears the storage only once Cognito answers, which could sign out whoever signed in meanwhile.
      clearSession();
      // Revoking the refresh token is best effort (moto, locally, does not implement it).
      holder?.revokeTokens(() => {});
    },

    requireSignIn() {
      sessionHolder = null;
      clearSession();
      for (const listener of listeners) listener();
    },

    onSignInRequired(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** Cognito's own wording, except where the library's says nothing useful. */
function cognitoError(error: unknown): Error {
  if (error instanceof Error && error.message === 'Network error')
    return new Error('Cognito could not be reached. Check your network connection and try again.');
  if (error instanceof Error && error.message) return error;
  return new Error('Sign-in failed.');
}
