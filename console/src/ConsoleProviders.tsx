import { type QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App as AntApp, ConfigProvider } from 'antd';
import enUS from 'antd/locale/en_US';
import type { ReactNode } from 'react';
import { type ApiClient, ApiClientContext } from './api/client';
import { type Auth, AuthContext } from './auth/auth';
import { SyncNowFollowUpProvider } from './tasks/SyncNowFollowUpProvider';

interface ConsoleProvidersProps {
  apiClient: ApiClient;
  auth: Auth;
  queryClient: QueryClient;
  children: ReactNode;
}

/** Everything a console page needs around it, except the router (the app and the tests choose their own). */
export function ConsoleProviders({ apiClient, auth, queryClient, children }: ConsoleProvidersProps) {
  return (
    <ConfigProvider locale={enUS} theme={{ token: { borderRadius: 6 } }}>
      <AntApp>
        <QueryClientProvider client={queryClient}>
          <AuthContext.Provider value={auth}>
            <ApiClientContext.Provider value={apiClient}>
              <SyncNowFollowUpProvider>{children}</SyncNowFollowUpProvider>
            </ApiClientContext.Provider>
          </AuthContext.Provider>
        </QueryClientProvider>
      </AntApp>
    </ConfigProvider>
  );
}
