import '@testing-library/jest-dom/vitest';
import { cleanup, configure } from '@testing-library/react';
import { afterEach, beforeEach, vi } from 'vitest';
import { cognito, storeSession } from './fakeCognito';

// Cognito at the module edge: every test talks to the in-memory pool of fakeCognito.ts.
vi.mock('amazon-cognito-identity-js', () => import('./fakeCognito'));

// Each test starts signed in as operator@example.com on a fresh tab; sign-in tests sign out first.
beforeEach(() => {
  cognito.reset();
  window.sessionStorage.clear();
  window.localStorage.clear();
  storeSession('operator@example.com');
});

afterEach(cleanup);

// Pages wait for GET /v1/me before their own calls; a cold antd render in a busy jsdom can pass 1 s.
configure({ asyncUtilTimeout: 5000 });

// jsdom lacks the layout APIs antd's responsive grid and tables ask for.
Object.defineProperty(window, 'matchMedia', {
  writable: true,
  value: (query: string) => ({
    matches: false,
    media: query,
    onchange: null,
    addListener: () => {},
    removeListener: () => {},
    addEventListener: () => {},
    removeEventListener: () => {},
    dispatchEvent: () => false,
  }),
});

// jsdom has no pseudo-elements and complains on every accessible-name lookup that asks for one;
// answer with the element's own style, which has no generated content either.
const getComputedStyle = window.getComputedStyle.bind(window);
window.getComputedStyle = (element: Element, pseudoElement?: string | null) =>
  getComputedStyle(element, pseudoElement ? undefined : pseudoElement);
