import type { KeyValueRow } from './KeyValueListInput';

export function toRows(map: Record<string, string>): KeyValueRow[] {
  return Object.entries(map).map(([key, value]) => ({ key, value }));
}

export function toMap(rows: KeyValueRow[] | undefined): Record<string, string> {
  return Object.fromEntries((rows ?? []).map(({ key, value }) => [key.trim(), value.trim()]));
}
