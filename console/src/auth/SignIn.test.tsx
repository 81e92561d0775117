import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { TEST_AUTH_CONFIG } from '../test/auth';
import { fakeApi } from '../test/fakeApi';
import { cognito, idTokenOf } from '../test/fakeCognito';
import { anOverview, aTask } from '../test/fixtures';
import { renderConsole } from '../test/renderConsole';

function tasksApi() {
  return fakeApi({
    'GET /v1/tasks': { body: { items: [aTask({ task_id: 'T-1', order_no: 'IN-1' })], next_cursor: null } },
    'GET /v1/tasks/overview': { body: anOverview() },
  });
}

function signedOut() {
  window.sessionStorage.clear();
}

async function signIn(email: string, password: string) {
  await userEvent.type(await screen.findByLabelText('Email'), email);
  await userEvent.type(screen.getByLabelText('Password'), password);
  await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
}

const location = () => screen.getByTestId('current-location');

describe('Sign-in', () => {
  it('asks a signed-out user to sign in, then returns to the page asked for, calling the API with the ID token', async () => {
    signedOut();
    const api = tasksApi();
    renderConsole({ api, path: '/tasks?status=manual' });

    await waitFor(() => expect(location()).toHaveTextContent('/sign-in?next=%2Ftasks%3Fstatus%3Dmanual'));
    expect(api.calls).toHaveLength(0);

    await signIn('operator@example.com', 'Local-Pass-1');

    await waitFor(() => expect(location()).toHaveTextContent(/^\/tasks\?status=manual$/));
    expect(await screen.findByText('IN-1')).toBeInTheDocument();
    const call = api.callsTo('GET', '/v1/tasks')[0];
    expect(call.query.get('status')).toBe('manual');
    expect(call.authorization).toBe(`Bearer ${idTokenOf('operator@example.com')}`);
    expect(api.calls.every((recorded) => recorded.authorization?.startsWith('Bearer '))).toBe(true);
  });

  it('uses the pool, endpoint and flow of config.json, and keeps the session in sessionStorage', async () => {
    signedOut();
    renderConsole({ api: tasksApi(), path: '/sign-in' });

    await signIn('operator@example.com', 'Local-Pass-1');

    await waitFor(() => expect(location()).toHaveTextContent(/^\/tasks$/));
    expect(cognito.pools.at(-1)).toEqual({
      UserPoolId: TEST_AUTH_CONFIG.userPoolId,
      ClientId: TEST_AUTH_CONFIG.userPoolClientId,
      endpoint: TEST_AUTH_CONFIG.cognitoEndpoint,
      Storage: window.sessionStorage,
    });
    expect(cognito.flows).toEqual(['USER_PASSWORD_AUTH']);
    expect(
      window.sessionStorage.getItem(
        `CognitoIdentityServiceProvider.${TEST_AUTH_CONFIG.userPoolClientId}.LastAuthUser`,
      ),
    ).toBe('operator@example.com');
    expect(document.cookie).toBe('');
  });

  it('shows Cognito’s own message for wrong credentials and stays on sign-in', async () => {
    signedOut();
    renderConsole({ api: tasksApi(), path: '/sign-in?next=%2Flogs' });

    await signIn('operator@example.com', 'wrong-password');

    expect(await screen.findByRole('alert')).toHaveTextContent('Incorrect username or password.');
    expect(location()).toHaveTextContent('/sign-in?next=%2Flogs');
    expect(screen.getByLabelText('Email')).toHaveValue('operator@example.com');
  });

  it('asks for a new password when Cognito requires one, then signs in', async () => {
    signedOut();
    cognito.users.set('new@example.com', { password: 'Temp-Pass-1', mustChangePassword: true });
    renderConsole({ api: tasksApi(), path: '/sign-in?next=%2Ftasks%2FT-1' });

    await signIn('new@example.com', 'Temp-Pass-1');
    await userEvent.type(await screen.findByLabelText('New password'), 'short');
    await userEvent.click(screen.getByRole('button', { name: 'Set new password' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Password does not conform to policy');

    await userEvent.clear(screen.getByLabelText('New password'));
    await userEvent.type(screen.getByLabelText('New password'), 'Brand-New-Pass-1');
    await userEvent.click(screen.getByRole('button', { name: 'Set new password' }));

    await waitFor(() => expect(location()).toHaveTextContent(/^\/tasks\/T-1$/));
    expect(cognito.users.get('new@example.com')?.password).toBe('Brand-New-Pass-1');
  });
});

describe('Session', () => {
  it('sends the user to sign-in with the page kept when the API answers 401, and back after signing in', async () => {
    let rejected = false;
    const api = fakeApi({
      'GET /v1/tasks': () =>
        rejected
          ? { body: { items: [aTask({ order_no: 'IN-AGAIN' })], next_cursor: null } }
          : ((rejected = true), { status: 401, body: { message: 'Unauthorized' } }),
      'GET /v1/tasks/overview': { body: anOverview() },
    });
    renderConsole({ api, path: '/tasks?order_no=IN-9' });

    await waitFor(() => expect(location()).toHaveTextContent('/sign-in?next=%2Ftasks%3Forder_no%3DIN-9'));
    // The rejected session is gone from the tab.
    expect(window.sessionStorage.length).toBe(0);

    await signIn('operator@example.com', 'Local-Pass-1');

    await waitFor(() => expect(location()).toHaveTextContent(/^\/tasks\?order_no=IN-9$/));
    expect(await screen.findByText('IN-AGAIN')).toBeInTheDocument();
  });

  it('refreshes an expired session silently, once for calls made together', async () => {
    cognito.expired = true;
    const api = tasksApi();
    renderConsole({ api });

    expect(await screen.findByText('IN-1')).toBeInTheDocument();
    expect(cognito.refreshes).toBe(1);
    expect(api.callsTo('GET', '/v1/tasks')[0].authorization).toBe(
      `Bearer ${idTokenOf('operator@example.com', 2)}`,
    );
    expect(location()).toHaveTextContent(/^\/tasks$/);
  });

  it('sends the user to sign-in, without calling the API, when the session cannot be refreshed', async () => {
    cognito.expired = true;
    cognito.refreshFails = true;
    const api = tasksApi();
    renderConsole({ api, path: '/logs?order_no=IN-1' });

    await waitFor(() => expect(location()).toHaveTextContent('/sign-in?next=%2Flogs%3Forder_no%3DIN-1'));
    expect(api.calls).toHaveLength(0);
    expect(await screen.findByLabelText('Email')).toBeInTheDocument();
  });

  it('signs out of the pool on Sign out, revoking the session, and goes to sign-in', async () => {
    renderConsole({ api: tasksApi() });
    await screen.findByText('IN-1');

    await userEvent.click(await screen.findByRole('button', { name: 'Sign out' }));

    await waitFor(() => expect(location()).toHaveTextContent(/^\/sign-in$/));
    expect(window.sessionStorage.length).toBe(0);
    await waitFor(() => expect(cognito.revocations).toBe(1));
    expect(screen.getByRole('button', { name: 'Sign in' })).toBeInTheDocument();
  });
});
