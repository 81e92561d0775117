import { type ReactNode, useCallback, useMemo, useState } from 'react';
import { SYNC_NOW_FOLLOW_UP_MS, SyncNowFollowUpContext } from './syncNowFollowUp';

export function SyncNowFollowUpProvider({ children }: { children: ReactNode }) {
  const [until, setUntil] = useState(0);
  const start = useCallback(() => setUntil(Date.now() + SYNC_NOW_FOLLOW_UP_MS), []);
  const value = useMemo(() => ({ until, start }), [until, start]);
  return <SyncNowFollowUpContext.Provider value={value}>{children}</SyncNowFollowUpContext.Provider>;
}
