import { createContext, useContext } from 'react';

/**
 * A Sync Now only submits the run; its result lands seconds later. For this long after one, the task
 * list and details poll quickly so the new Last executed time and Execution Summary show by themselves.
 */
export const SYNC_NOW_FOLLOW_UP_MS = 30_000;

export interface SyncNowFollowUp {
  /** Epoch milliseconds until which task queries poll after a Sync Now. */
  until: number;
  start: () => void;
}

export const SyncNowFollowUpContext = createContext<SyncNowFollowUp>({ until: 0, start: () => {} });

export function useSyncNowFollowUp(): SyncNowFollowUp {
  return useContext(SyncNowFollowUpContext);
}
