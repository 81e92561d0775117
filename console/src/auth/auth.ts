import { createContext, useContext } from 'react';

/** Where a sign-in attempt stands: done, or Cognito wants a new password first (NEW_PASSWORD_REQUIRED). */
export type SignInResult =
  | { status: 'signedIn' }
  | { status: 'newPasswordRequired'; setNewPassword: (newPassword: string) => Promise<SignInResult> };

/**
 * The signed-in operator's Cognito session, as the console uses it. Failures reject with an Error
 * whose message is Cognito's own (e.g. "Incorrect username or password.").
 */
export interface Auth {
  /** A user has signed in on this tab and not signed out (the session may still need a refresh). */
  isSignedIn(): boolean;
  /** The ID token of a valid session, refreshed silently if it expired; null when the user must sign in. */
  idToken(): Promise<string | null>;
  signIn(email: string, password: string): Promise<SignInResult>;
  signOut(): Promise<void>;
  /** Drops the session on this tab and tells the listeners (the router sends the user to sign-in). */
  requireSignIn(): void;
  onSignInRequired(listener: () => void): () => void;
}

export const AuthContext = createContext<Auth | null>(null);

export function useAuth(): Auth {
  const auth = useContext(AuthContext);
  if (!auth) throw new Error('useAuth needs an <AuthContext.Provider> above it');
  return auth;
}
