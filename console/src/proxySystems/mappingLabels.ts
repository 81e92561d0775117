import type { SkuSyncStatus, WarehouseMapping } from '../api/types';

/** `missing` names API fields; operators read the guide's wording (HPK guide §3.1). */
const MISSING_LOCATION_TEXTS: Record<string, string> = {
  virtual_putaway_location: 'Virtual putaway location not configured',
  defective_location: 'Defective location not configured',
};

export function missingLocationTexts(mapping: Pick<WarehouseMapping, 'missing'>): string[] {
  return mapping.missing.map((field) => MISSING_LOCATION_TEXTS[field] ?? `${field} not configured`);
}

export const SKU_STATUS_LABELS: Record<SkuSyncStatus, string> = {
  pending: 'Pending',
  synced: 'Synced',
  failed: 'Failed',
};

export const SKU_STATUS_TAG_COLOURS: Record<SkuSyncStatus, string | undefined> = {
  pending: undefined,
  synced: 'success',
  failed: 'error',
};
