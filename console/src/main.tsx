import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { createApiClient } from './api/client';
import { ConsoleProviders } from './ConsoleProviders';
import { createQueryClient } from './queryClient';
import { ConsoleRoutes } from './ConsoleRoutes';
import './console.css';

// Cognito sign-in will pass its bearer-token middleware here: createApiClient({ middleware: [...] }).
const apiClient = createApiClient();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <BrowserRouter basename="/console">
      <ConsoleProviders apiClient={apiClient} queryClient={createQueryClient()}>
        <ConsoleRoutes />
      </ConsoleProviders>
    </BrowserRouter>
  </StrictMode>,
);
