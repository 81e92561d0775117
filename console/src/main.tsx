import { Result } from 'antd';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { createApiClient } from './api/client';
import { errorMessage } from './api/errors';
import { loadAuthConfig } from './auth/authConfig';
import { bearerToken } from './auth/bearerToken';
import { createCognitoAuth } from './auth/cognitoAuth';
import { ConsoleProviders } from './ConsoleProviders';
import { createQueryClient } from './queryClient';
import { ConsoleRoutes } from './ConsoleRoutes';
import './console.css';

const root = createRoot(document.getElementById('root')!);

// The user pool comes from /console/config.json, served next to the console by whoever deploys it.
loadAuthConfig()
  .then((config) => {
    const auth = createCognitoAuth(config);
    const apiClient = createApiClient({ middleware: [bearerToken(auth)] });
    return { auth, apiClient };
  })
  .then(
    ({ auth, apiClient }) =>
      root.render(
        <StrictMode>
          <BrowserRouter basename="/console">
            <ConsoleProviders apiClient={apiClient} auth={auth} queryClient={createQueryClient()}>
              <ConsoleRoutes />
            </ConsoleProviders>
          </BrowserRouter>
        </StrictMode>,
      ),
    (error: unknown) =>
      root.render(<Result status="error" title="The console cannot start" subTitle={errorMessage(error)} />),
  );
