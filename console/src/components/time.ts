import dayjs from 'dayjs';

export const LOCAL_TIME_FORMAT = 'YYYY-MM-DD HH:mm:ss';

/** An API time (UTC ISO with microseconds: `2026-06-04T08:32:00.000000Z`) in the browser's zone. */
export function formatLocalTime(iso: string): string | null {
  const moment = dayjs(iso);
  return moment.isValid() ? moment.format(LOCAL_TIME_FORMAT) : null;
}
