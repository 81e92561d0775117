import type { Middleware } from 'openapi-fetch';
import type { Auth } from './auth';

export const SESSION_ENDED = 'Your session has ended. Sign in again.';

/**
 * Every API call carries `Authorization: Bearer <ID token>` (the ID token holds the email and the
 * `cognito:groups` the API reads roles from). No session, or a 401 from the API, sends the user to sign-in.
 */
export function bearerToken(auth: Auth): Middleware {
  return {
    async onRequest({ request }) {
      const token = await auth.idToken();
      if (!token) {
        auth.requireSignIn();
        // Answered here, without calling the API: a 401 like the API's own.
        return new Response(JSON.stringify({ message: SESSION_ENDED }), {
          status: 401,
          headers: { 'content-type': 'application/json' },
        });
      }
      request.headers.set('Authorization', `Bearer ${token}`);
      return request;
    },
    onResponse({ response }) {
      if (response.status === 401) auth.requireSignIn();
    },
  };
}
