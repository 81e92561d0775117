import { StyleProvider } from '@ant-design/cssinjs';
import { render } from '@testing-library/react';
import type { ReactNode } from 'react';
import { MemoryRouter, useLocation } from 'react-router';
import { ConsoleProviders } from '../ConsoleProviders';
import { ConsoleRoutes } from '../ConsoleRoutes';
import { createQueryClient } from '../queryClient';
import type { FakeApi } from './fakeApi';

/** Renders `ui` (by default the whole console) at `path`, talking to `api`. */
export function renderConsole({ api, path = '/tasks', ui }: { api: FakeApi; path?: string; ui?: ReactNode }) {
  const queryClient = createQueryClient();
  queryClient.setDefaultOptions({ queries: { retry: false } });
  return render(
    // antd's style sheets stay out of jsdom: with them, every style lookup of a role query takes ~80 ms.
    <StyleProvider mock="server">
      <MemoryRouter initialEntries={[path]}>
        <ConsoleProviders apiClient={api.client} auth={api.auth} queryClient={queryClient}>
          {ui ?? <ConsoleRoutes />}
          <CurrentLocation />
        </ConsoleProviders>
      </MemoryRouter>
    </StyleProvider>,
  );
}

/** The router's location, readable by tests as the URL a user would see. */
function CurrentLocation() {
  const location = useLocation();
  return <output data-testid="current-location">{`${location.pathname}${location.search}`}</output>;
}
