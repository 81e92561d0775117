import { PlusOutlined } from '@ant-design/icons';
import { Alert, Button, Empty, Space, Table, Tag } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { Link } from 'react-router';
import { useApiClient } from '../api/client';
import { unwrap } from '../api/errors';
import type { WarehouseMapping } from '../api/types';
import { GUARDS, usePermission } from '../auth/me';
import { DisabledReason, PermittedButton } from '../auth/PermittedButton';
import { ErrorAlert } from '../components/ErrorAlert';
import { useConfirmedAction } from '../components/useConfirmedAction';
import { taskKeys } from '../tasks/taskQueries';
import { missingLocationTexts } from './mappingLabels';
import { proxySystemKeys, useWarehouseMappings } from './proxySystemQueries';
import { WarehouseMappingFormModal } from './WarehouseMappingFormModal';

type Editing = { mapping?: WarehouseMapping } | null;

export function WarehouseMappingsTab({ systemCode }: { systemCode: string }) {
  const mappings = useWarehouseMappings(systemCode);
  const [editing, setEditing] = useState<Editing>(null);
  const confirmSyncInventory = useSyncInventory(systemCode);
  const confirmDelete = useDeleteWarehouseMapping(systemCode);
  const incomplete = (mappings.data ?? []).filter((mapping) => !mapping.complete);

  const columns: ColumnsType<WarehouseMapping> = [
    { title: 'Proxy warehouse code', dataIndex: 'proxy_warehouse_code' },
    { title: 'GWMS warehouse code', dataIndex: 'gwms_warehouse_code' },
    { title: 'Virtual putaway location', dataIndex: 'virtual_putaway_location', render: orDash },
    { title: 'Defective location', dataIndex: 'defective_location', render: orDash },
    {
      title: 'Configuration',
      key: 'complete',
      render: (_, mapping) =>
        mapping.complete ? (
          <Tag color="success">Complete</Tag>
        ) : (
          <Space size={4} wrap>
            {missingLocationTexts(mapping).map((text) => (
              <Tag key={text} color="warning">
                {text}
              </Tag>
            ))}
          </Space>
        ),
    },
    {
      title: 'Actions',
      key: 'actions',
      width: 260,
      render: (_, mapping) => (
        <Space size={0}>
          <SyncInventoryButton
            mapping={mapping}
            onSync={() => confirmSyncInventory(mapping.proxy_warehouse_code)}
          />
          <PermittedButton
            guard={GUARDS.warehouseMappings}
            type="link"
            size="small"
            onClick={() => setEditing({ mapping })}
          >
            Edit
          </PermittedButton>
          <PermittedButton
            guard={GUARDS.warehouseMappings}
            type="link"
            size="small"
            danger
            onClick={() => confirmDelete(mapping.proxy_warehouse_code)}
          >
            Delete
          </PermittedButton>
        </Space>
      ),
    },
  ];

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <PermittedButton
        guard={GUARDS.warehouseMappings}
        icon={<PlusOutlined aria-hidden />}
        onClick={() => setEditing({})}
      >
        Add warehouse mapping
      </PermittedButton>
      {mappings.error && <ErrorAlert error={mappings.error} />}
      {incomplete.length > 0 && (
        <Alert
          type="warning"
          showIcon
          message="Incomplete warehouse mappings"
          description={
            <>
              {incomplete.map((mapping) => (
                <div key={mapping.proxy_warehouse_code}>
                  {mapping.proxy_warehouse_code}: {missingLocationTexts(mapping).join('; ')}
                </div>
              ))}
              Inbound orders are received but not put away, and inventory sync cannot be triggered, until both
              dedicated locations are configured.
            </>
          }
        />
      )}
      <Table<WarehouseMapping>
        rowKey="proxy_warehouse_code"
        size="small"
        columns={columns}
        dataSource={mappings.data ?? []}
        loading={mappings.isPending}
        pagination={false}
        scroll={{ x: 1000 }}
        locale={{
          emptyText: (
            <Empty description="Add a warehouse mapping so orders of a GWMS warehouse go to this proxy warehouse." />
          ),
        }}
      />
      {editing && (
        <WarehouseMappingFormModal
          systemCode={systemCode}
          mapping={editing.mapping}
          onClose={() => setEditing(null)}
        />
      )}
    </Space>
  );
}

/**
 * Disabled, with the reason on hover, for a role without Sync Inventory, or while a dedicated location is
 * missing (HPK guide §1.2).
 */
export function SyncInventoryButton({ mapping, onSync }: { mapping: WarehouseMapping; onSync: () => void }) {
  const permission = usePermission(GUARDS.syncInventory);
  const reason = !permission.allowed
    ? permission.reason
    : !mapping.complete
      ? `Inventory sync cannot be triggered: ${missingLocationTexts(mapping).join('; ')}`
      : undefined;
  return (
    <DisabledReason reason={reason}>
      <Button type="link" size="small" disabled={Boolean(reason)} onClick={onSync}>
        Sync Inventory
      </Button>
    </DisabledReason>
  );
}

function useSyncInventory(systemCode: string) {
  const api = useApiClient();
  return useConfirmedAction({
    run: (proxyWarehouseCode: string) =>
      unwrap(
        api.POST('/v1/proxy-systems/{code}/warehouse-mappings/{proxy_warehouse_code}/inventory-sync', {
          params: { path: { code: systemCode, proxy_warehouse_code: proxyWarehouseCode } },
        }),
      ),
    confirmation: (proxyWarehouseCode) => ({
      title: `Sync inventory of ${proxyWarehouseCode} now?`,
      content:
        'The proxy warehouse inventory is pulled and the virtual putaway and defective locations are corrected to match it.',
    }),
    succeeded: ({ task_id }) => (
      <span>
        Inventory sync started.{' '}
        <Link to={`/tasks/${encodeURIComponent(task_id)}`}>Open the task details</Link>
      </span>
    ),
    invalidates: [taskKeys.all],
  });
}

function useDeleteWarehouseMapping(systemCode: string) {
  const api = useApiClient();
  return useConfirmedAction({
    run: (proxyWarehouseCode: string) =>
      unwrap(
        api.DELETE('/v1/proxy-systems/{code}/warehouse-mappings/{proxy_warehouse_code}', {
          params: { path: { code: systemCode, proxy_warehouse_code: proxyWarehouseCode } },
        }),
      ),
    confirmation: (proxyWarehouseCode) => ({
      title: `Delete warehouse mapping ${proxyWarehouseCode}?`,
      content:
        'Orders of its GWMS warehouse are no longer sent to this proxy warehouse, and its scheduled inventory sync stops.',
      okText: 'Delete',
      okType: 'danger',
    }),
    succeeded: (_, proxyWarehouseCode) => `Warehouse mapping ${proxyWarehouseCode} deleted`,
    invalidates: [proxySystemKeys.warehouseMappings(systemCode)],
  });
}

function orDash(value: string | null) {
  return value ?? '—';
}
