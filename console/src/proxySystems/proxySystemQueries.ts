import { useQuery } from '@tanstack/react-query';
import { useApiClient } from '../api/client';
import { unwrap } from '../api/errors';
import type { SkuSyncStatus } from '../api/types';

export const proxySystemKeys = {
  all: ['proxy-systems'] as const,
  warehouseMappings: (code: string) => ['proxy-systems', code, 'warehouse-mappings'] as const,
  channelMappings: (code: string) => ['proxy-systems', code, 'channel-mappings'] as const,
  skuMappingLists: (code: string) => ['proxy-systems', code, 'sku-mappings'] as const,
  skuMappings: (code: string, status?: SkuSyncStatus) =>
    ['proxy-systems', code, 'sku-mappings', status ?? 'all'] as const,
};

// The document types these list bodies as `{[key: string]: T[]}`; the API always answers `{items}`.

export function useProxySystems() {
  const api = useApiClient();
  return useQuery({
    queryKey: proxySystemKeys.all,
    queryFn: ({ signal }) => unwrap(api.GET('/v1/proxy-systems', { signal })),
    select: (body) => body.items ?? [],
  });
}

export function useWarehouseMappings(code: string) {
  const api = useApiClient();
  return useQuery({
    queryKey: proxySystemKeys.warehouseMappings(code),
    queryFn: ({ signal }) =>
      unwrap(api.GET('/v1/proxy-systems/{code}/warehouse-mappings', { params: { path: { code } }, signal })),
    select: (body) => body.items ?? [],
  });
}

export function useChannelMappings(code: string) {
  const api = useApiClient();
  return useQuery({
    queryKey: proxySystemKeys.channelMappings(code),
    queryFn: ({ signal }) =>
      unwrap(api.GET('/v1/proxy-systems/{code}/channel-mappings', { params: { path: { code } }, signal })),
    select: (body) => body.items ?? [],
  });
}

export function useSkuMappings(code: string, status: SkuSyncStatus | undefined) {
  const api = useApiClient();
  return useQuery({
    queryKey: proxySystemKeys.skuMappings(code, status),
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/v1/proxy-systems/{code}/sku-mappings', {
          params: { path: { code }, query: { status } },
          signal,
        }),
      ),
    select: (body) => body.items ?? [],
  });
}
