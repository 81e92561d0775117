import { useQuery } from '@tanstack/react-query';
import { useApiClient } from '../api/client';
import { unwrap } from '../api/errors';
import type { Abilities } from '../api/types';

export const meKey = ['me'] as const;

/** GET /v1/me: who is signed in, their highest role, and what the console lets them do. */
export function useMe() {
  const api = useApiClient();
  return useQuery({
    queryKey: meKey,
    queryFn: ({ signal }) => unwrap(api.GET('/v1/me', { signal })),
    // Roles change with a new sign-in (new token, new groups), which clears the cache.
    staleTime: Infinity,
  });
}

export interface Guard {
  ability: keyof Abilities;
  /** What the control does, as the refusal names it: "Your role (viewer) cannot <action>". */
  action: string;
}

/** Each role-gated control of the console, with the ability of GET /v1/me it needs. */
export const GUARDS = {
  syncNow: { ability: 'sync_now', action: 'run Sync Now' },
  bulkSyncNow: { ability: 'bulk_actions', action: 'run Sync Now on many tasks' },
  resolveTask: { ability: 'sync_now', action: 'resolve tasks' },
  cancelTask: { ability: 'sync_now', action: 'cancel tasks' },
  testConnection: { ability: 'sync_now', action: 'test connections' },
  resync: { ability: 'resync', action: 'run Resync' },
  syncInventory: { ability: 'inventory_sync', action: 'run Sync Inventory' },
  proxySystems: { ability: 'configure', action: 'change proxy warehouse systems' },
  warehouseMappings: { ability: 'configure', action: 'change warehouse mappings' },
  channelMappings: { ability: 'configure', action: 'change channel mappings' },
  connections: { ability: 'configure', action: 'change OneWarehouse connections' },
} as const satisfies Record<string, Guard>;

export type Permission = { allowed: true } | { allowed: false; reason: string };

/** Whether the signed-in user's role allows `guard`'s control, and if not, why (for its tooltip). */
export function usePermission({ ability, action }: Guard): Permission {
  const me = useMe();
  if (!me.data) return { allowed: false, reason: 'Checking what your role allows…' };
  if (me.data.can[ability]) return { allowed: true };
  return { allowed: false, reason: `Your role (${me.data.role ?? 'none'}) cannot ${action}` };
}
