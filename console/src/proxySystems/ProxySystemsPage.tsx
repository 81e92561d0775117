import { PlusOutlined } from '@ant-design/icons';
import { Card, Empty, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { useApiClient } from '../api/client';
import { unwrap } from '../api/errors';
import type { ProxySystem } from '../api/types';
import { GUARDS } from '../auth/me';
import { PermittedButton } from '../auth/PermittedButton';
import { ConnectionTestButton } from '../components/ConnectionTestButton';
import { ErrorAlert } from '../components/ErrorAlert';
import { useConfirmedAction } from '../components/useConfirmedAction';
import { PageHeader } from '../layout/PageHeader';
import { ProxySystemDetails } from './ProxySystemDetails';
import { ProxySystemFormModal } from './ProxySystemFormModal';
import { proxySystemKeys, useProxySystems } from './proxySystemQueries';

export const NO_SYSTEMS_TEXT = 'Add a proxy warehouse system to start.';

type Editing = { system?: ProxySystem } | null;

/** GWMS > Proxy Warehouse > Proxy Warehouse System; /proxy-systems/{code} also opens that system's mappings. */
export function ProxySystemsPage() {
  const api = useApiClient();
  const { code } = useParams();
  const navigate = useNavigate();
  const systems = useProxySystems();
  const [editing, setEditing] = useState<Editing>(null);
  const confirmDelete = useDeleteProxySystem(() => navigate('/proxy-systems'));
  const selected = systems.data?.find((system) => system.code === code);

  const columns: ColumnsType<ProxySystem> = [
    { title: 'System code', dataIndex: 'code', width: 130 },
    { title: 'System Name', dataIndex: 'name' },
    { title: 'System Type', dataIndex: 'system_type', width: 120 },
    { title: 'API endpoint', dataIndex: 'api_endpoint', ellipsis: true },
    { title: 'Login account', dataIndex: 'account', width: 140 },
    { title: 'Version', dataIndex: 'version', width: 90 },
    {
      title: 'Enabled',
      dataIndex: 'enabled',
      width: 100,
      render: (enabled: boolean) => (enabled ? <Tag color="success">Enabled</Tag> : <Tag>Disabled</Tag>),
    },
    {
      title: 'Password',
      dataIndex: 'password_set',
      width: 100,
      render: (set: boolean) => (set ? <Tag color="success">Set</Tag> : <Tag color="warning">Not set</Tag>),
    },
    {
      title: 'Actions',
      key: 'actions',
      width: 270,
      render: (_, system) => (
        // Row clicks open the system; the buttons act on it instead.
        <Space size={0} onClick={(event) => event.stopPropagation()}>
          <PermittedButton
            guard={GUARDS.proxySystems}
            type="link"
            size="small"
            onClick={() => setEditing({ system })}
          >
            Edit
          </PermittedButton>
          <PermittedButton
            guard={GUARDS.proxySystems}
            type="link"
            size="small"
            danger
            onClick={() => confirmDelete(system.code)}
          >
            Delete
          </PermittedButton>
          <ConnectionTestButton
            subject={system.code}
            type="link"
            size="small"
            // No warehouse named: the API tests with the system's first mapped warehouse.
            test={() =>
              unwrap(
                api.POST('/v1/proxy-systems/{code}/test-connection', {
                  params: { path: { code: system.code } },
                }),
              )
            }
          />
        </Space>
      ),
    },
  ];

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <PageHeader
        title="Proxy Warehouse System"
        extra={
          <PermittedButton
            guard={GUARDS.proxySystems}
            type="primary"
            icon={<PlusOutlined aria-hidden />}
            onClick={() => setEditing({})}
          >
            Add
          </PermittedButton>
        }
      />
      <Card size="small">
        {systems.error && (
          <ErrorAlert error={systems.error} title="The proxy warehouse systems could not be loaded" />
        )}
        <Table<ProxySystem>
          rowKey="code"
          columns={columns}
          dataSource={systems.data ?? []}
          loading={systems.isPending}
          pagination={false}
          scroll={{ x: 1220 }}
          rowClassName={(system) => (system.code === code ? 'ant-table-row-selected' : '')}
          onRow={(system) => ({
            onClick: () => navigate(`/proxy-systems/${encodeURIComponent(system.code)}`),
            style: { cursor: 'pointer' },
          })}
          locale={{ emptyText: <Empty description={NO_SYSTEMS_TEXT} /> }}
        />
        {!code && systems.data?.length ? (
          <Typography.Text type="secondary">
            Select a system to see its warehouse, channel and SKU mappings.
          </Typography.Text>
        ) : null}
      </Card>
      {code && systems.data && !selected && (
        <ErrorAlert error={new Error(`Proxy warehouse system ${code} not found`)} />
      )}
      {selected && <ProxySystemDetails system={selected} />}
      {editing && <ProxySystemFormModal system={editing.system} onClose={() => setEditing(null)} />}
    </Space>
  );
}

function useDeleteProxySystem(onDeleted: () => void) {
  const api = useApiClient();
  return useConfirmedAction({
    run: (code: string) => unwrap(api.DELETE('/v1/proxy-systems/{code}', { params: { path: { code } } })),
    confirmation: (code) => ({
      title: `Delete proxy warehouse system ${code}?`,
      content:
        'Its stored password is deleted with it. A system that still has warehouse mappings cannot be deleted.',
      okText: 'Delete',
      okType: 'danger',
    }),
    succeeded: (_, code) => `Proxy warehouse system ${code} deleted`,
    onSucceeded: onDeleted,
    invalidates: [proxySystemKeys.all],
  });
}
