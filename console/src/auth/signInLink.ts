import type { Location } from 'react-router';

export const SIGN_IN_PATH = '/sign-in';
const DEFAULT_NEXT = '/tasks';

/** /sign-in?next=<the page the user was on, with its query string>. */
export function signInPath(from?: Pick<Location, 'pathname' | 'search'>): string {
  if (!from || from.pathname === SIGN_IN_PATH) return SIGN_IN_PATH;
  return `${SIGN_IN_PATH}?${new URLSearchParams({ next: `${from.pathname}${from.search}` })}`;
}

/** Where to go after signing in: `next` if it is a page of the console, else the Sync Tasks page. */
export function nextPath(params: URLSearchParams): string {
  const next = params.get('next') ?? '';
  // A path of this app only: "//host" or "/\\host" would leave the console.
  const inConsole = /^\/(?![/\\])/.test(next) && !next.startsWith(SIGN_IN_PATH);
  return inConsole ? next : DEFAULT_NEXT;
}
