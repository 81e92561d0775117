import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Empty, Select, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useSearchParams } from 'react-router';
import { useApiClient } from '../api/client';
import { errorMessage, unwrap } from '../api/errors';
import type { SkuMapping, SkuSyncStatus } from '../api/types';
import { GUARDS } from '../auth/me';
import { PermittedButton } from '../auth/PermittedButton';
import { DateTime } from '../components/DateTime';
import { ErrorAlert } from '../components/ErrorAlert';
import { optionsOf } from '../components/options';
import { SKU_STATUS_LABELS, SKU_STATUS_TAG_COLOURS } from './mappingLabels';
import { proxySystemKeys, useSkuMappings } from './proxySystemQueries';

const STATUS_PARAM = 'sku_status';

/** SKU sync state per GSKU; Resync retries a failed SKU once its master data is fixed (HPK guide §3.4). */
export function SkuMappingsTab({ systemCode }: { systemCode: string }) {
  const [params, setParams] = useSearchParams();
  const status = Object.keys(SKU_STATUS_LABELS).find((key) => key === params.get(STATUS_PARAM)) as
    SkuSyncStatus | undefined;
  const mappings = useSkuMappings(systemCode, status);
  const resync = useResync(systemCode);

  const columns: ColumnsType<SkuMapping> = [
    { title: 'GSKU', dataIndex: 'gsku', width: 160 },
    {
      title: 'Status',
      dataIndex: 'status',
      width: 100,
      render: (value: SkuSyncStatus) => (
        <Tag color={SKU_STATUS_TAG_COLOURS[value]}>{SKU_STATUS_LABELS[value]}</Tag>
      ),
    },
    { title: 'Proxy SKU', dataIndex: 'proxy_sku', width: 160, render: (sku: string | null) => sku ?? '—' },
    {
      title: 'Last error',
      dataIndex: 'last_error',
      render: (error: string | null) =>
        error ? <Typography.Text type="danger">{error}</Typography.Text> : '—',
    },
    {
      title: 'Last attempt',
      dataIndex: 'last_attempt_at',
      width: 180,
      render: (at: string | null) => <DateTime value={at} />,
    },
    {
      title: 'Actions',
      key: 'actions',
      width: 100,
      render: (_, mapping) => (
        <PermittedButton
          guard={GUARDS.resync}
          type="link"
          size="small"
          loading={resync.isPending && resync.variables === mapping.gsku}
          onClick={() => resync.mutate(mapping.gsku)}
        >
          Resync
        </PermittedButton>
      ),
    },
  ];

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Space>
        <Typography.Text>Status</Typography.Text>
        <Select<SkuSyncStatus>
          aria-label="SKU sync status"
          allowClear
          placeholder="All statuses"
          style={{ width: 180 }}
          value={status}
          options={optionsOf(SKU_STATUS_LABELS)}
          onChange={(value) => {
            const next = new URLSearchParams(params);
            if (value) next.set(STATUS_PARAM, value);
            else next.delete(STATUS_PARAM);
            setParams(next);
          }}
        />
      </Space>
      {mappings.error && <ErrorAlert error={mappings.error} />}
      <Table<SkuMapping>
        rowKey="gsku"
        size="small"
        columns={columns}
        dataSource={mappings.data ?? []}
        loading={mappings.isPending}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        scroll={{ x: 900 }}
        locale={{
          emptyText: (
            <Empty description="No SKUs here yet. A SKU is pushed to the proxy warehouse with the first inbound order that contains it." />
          ),
        }}
      />
    </Space>
  );
}

/** Resync answers with the mapping as it now stands: synced, or failed again with the reason. */
function useResync(systemCode: string) {
  const api = useApiClient();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  return useMutation({
    mutationFn: (gsku: string) =>
      unwrap(
        api.POST('/v1/proxy-systems/{code}/sku-mappings/{gsku}/resync', {
          params: { path: { code: systemCode, gsku } },
        }),
      ),
    onSuccess: (mapping) => {
      if (mapping.status === 'synced')
        message.success(`${mapping.gsku} synced as ${mapping.proxy_sku ?? 'proxy SKU'}`);
      else if (mapping.status === 'failed')
        message.error(mapping.last_error ?? `${mapping.gsku} failed to sync`);
      else message.info(`${mapping.gsku} is waiting to sync`);
    },
    onError: (error) => message.error(errorMessage(error)),
    onSettled: () => queryClient.invalidateQueries({ queryKey: proxySystemKeys.skuMappingLists(systemCode) }),
  });
}
