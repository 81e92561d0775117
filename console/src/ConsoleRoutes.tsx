import { Navigate, Route, Routes } from 'react-router';
import { AuditPage } from './audit/AuditPage';
import { RequireSignIn, SignInRedirect } from './auth/RequireSignIn';
import { SignInPage } from './auth/SignInPage';
import { ConsoleLayout } from './layout/ConsoleLayout';
import { NotFoundPage } from './layout/NotFoundPage';
import { LogsPage } from './logs/LogsPage';
import { OneWarehousePage } from './onewarehouse/OneWarehousePage';
import { OrdersPage } from './orders/OrdersPage';
import { ProxySystemsPage } from './proxySystems/ProxySystemsPage';
import { RunbookPage } from './runbook/RunbookPage';
import { SyncTasksPage, TaskDetailsRoute } from './tasks/SyncTasksPage';

export function ConsoleRoutes() {
  return (
    <>
      <SignInRedirect />
      <Routes>
        <Route path="sign-in" element={<SignInPage />} />
        <Route
          element={
            <RequireSignIn>
              <ConsoleLayout />
            </RequireSignIn>
          }
        >
          <Route index element={<Navigate to="/tasks" replace />} />
          <Route path="tasks" element={<SyncTasksPage />}>
            <Route path=":taskId" element={<TaskDetailsRoute />} />
          </Route>
          <Route path="orders" element={<OrdersPage />} />
          <Route path="orders/:kind" element={<OrdersPage />} />
          <Route path="proxy-systems" element={<ProxySystemsPage />} />
          <Route path="proxy-systems/:code" element={<ProxySystemsPage />} />
          <Route path="logs" element={<LogsPage />} />
          <Route path="audit" element={<AuditPage />} />
          <Route path="runbook" element={<RunbookPage />} />
          <Route path="onewarehouse" element={<Navigate to="/onewarehouse/sandbox" replace />} />
          <Route path="onewarehouse/:environment" element={<OneWarehousePage />} />
          <Route path="*" element={<NotFoundPage />} />
        </Route>
      </Routes>
    </>
  );
}
