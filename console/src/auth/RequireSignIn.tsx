import { type ReactNode, useEffect } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router';
import { useAuth } from './auth';
import { SIGN_IN_PATH, signInPath } from './signInLink';

/** The console's pages need a signed-in user; anyone else goes to sign-in, and comes back here after. */
export function RequireSignIn({ children }: { children: ReactNode }) {
  const auth = useAuth();
  const location = useLocation();
  if (!auth.isSignedIn()) return <Navigate to={signInPath(location)} replace />;
  return children;
}

/** A 401, or a session that could not be refreshed, sends the user to sign-in with this page as `next`. */
export function SignInRedirect() {
  const auth = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  useEffect(
    () =>
      auth.onSignInRequired(() => {
        if (location.pathname !== SIGN_IN_PATH) navigate(signInPath(location), { replace: true });
      }),
    [auth, navigate, location],
  );
  return null;
}
