import { PlusOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Empty, Form, Input, Space, Table } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useApiClient } from '../api/client';
import { unwrap } from '../api/errors';
import type { ChannelMapping } from '../api/types';
import { GUARDS } from '../auth/me';
import { PermittedButton } from '../auth/PermittedButton';
import { ApiFormModal } from '../components/ApiFormModal';
import { DateTime } from '../components/DateTime';
import { ErrorAlert } from '../components/ErrorAlert';
import { useConfirmedAction } from '../components/useConfirmedAction';
import { proxySystemKeys, useChannelMappings } from './proxySystemQueries';

type Editing = { mapping?: ChannelMapping } | null;

/** GWMS logistics channel → proxy warehouse channel code; drop-shipping outbound needs one. */
export function ChannelMappingsTab({ systemCode }: { systemCode: string }) {
  const mappings = useChannelMappings(systemCode);
  const [editing, setEditing] = useState<Editing>(null);
  const confirmDelete = useDeleteChannelMapping(systemCode);

  const columns: ColumnsType<ChannelMapping> = [
    { title: 'GWMS channel code', dataIndex: 'gwms_channel_code' },
    { title: 'Proxy channel code', dataIndex: 'proxy_channel_code' },
    { title: 'Updated', dataIndex: 'updated_at', render: (at: string) => <DateTime value={at} /> },
    {
      title: 'Actions',
      key: 'actions',
      width: 160,
      render: (_, mapping) => (
        <Space size={0}>
          <PermittedButton
            guard={GUARDS.channelMappings}
            type="link"
            size="small"
            onClick={() => setEditing({ mapping })}
          >
            Edit
          </PermittedButton>
          <PermittedButton
            guard={GUARDS.channelMappings}
            type="link"
            size="small"
            danger
            onClick={() => confirmDelete(mapping.gwms_channel_code)}
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
        guard={GUARDS.channelMappings}
        icon={<PlusOutlined aria-hidden />}
        onClick={() => setEditing({})}
      >
        Add channel mapping
      </PermittedButton>
      {mappings.error && <ErrorAlert error={mappings.error} />}
      <Table<ChannelMapping>
        rowKey="gwms_channel_code"
        size="small"
        columns={columns}
        dataSource={mappings.data ?? []}
        loading={mappings.isPending}
        pagination={false}
        locale={{
          emptyText: (
            <Empty description="Add a channel mapping before drop-shipping orders go to this proxy warehouse." />
          ),
        }}
      />
      {editing && (
        <ChannelMappingFormModal
          systemCode={systemCode}
          mapping={editing.mapping}
          onClose={() => setEditing(null)}
        />
      )}
    </Space>
  );
}

interface ChannelValues {
  gwms_channel_code: string;
  proxy_channel_code: string;
}

const CHANNEL_FIELD_NAMES = ['gwms_channel_code', 'proxy_channel_code'] as const;

function ChannelMappingFormModal({
  systemCode,
  mapping,
  onClose,
}: {
  systemCode: string;
  mapping?: ChannelMapping;
  onClose: () => void;
}) {
  const api = useApiClient();
  const queryClient = useQueryClient();
  const save = useMutation({
    mutationFn: ({ gwms_channel_code, proxy_channel_code }: ChannelValues) =>
      unwrap(
        api.PUT('/v1/proxy-systems/{code}/channel-mappings/{gwms_channel_code}', {
          params: { path: { code: systemCode, gwms_channel_code } },
          body: { proxy_channel_code },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: proxySystemKeys.channelMappings(systemCode) }),
  });
  return (
    <ApiFormModal<ChannelValues>
      title={mapping ? `Edit channel mapping ${mapping.gwms_channel_code}` : 'Add channel mapping'}
      fieldNames={CHANNEL_FIELD_NAMES}
      initialValues={mapping}
      submit={save.mutateAsync}
      successMessage="Channel mapping saved"
      onClose={onClose}
    >
      <Form.Item
        label="GWMS channel code"
        name="gwms_channel_code"
        rules={[{ required: true, whitespace: true, message: 'Enter the GWMS channel code' }]}
      >
        <Input disabled={Boolean(mapping)} />
      </Form.Item>
      <Form.Item
        label="Proxy channel code"
        name="proxy_channel_code"
        rules={[{ required: true, whitespace: true, message: 'Enter the proxy warehouse channel code' }]}
      >
        <Input />
      </Form.Item>
    </ApiFormModal>
  );
}

function useDeleteChannelMapping(systemCode: string) {
  const api = useApiClient();
  return useConfirmedAction({
    run: (gwmsChannelCode: string) =>
      unwrap(
        api.DELETE('/v1/proxy-systems/{code}/channel-mappings/{gwms_channel_code}', {
          params: { path: { code: systemCode, gwms_channel_code: gwmsChannelCode } },
        }),
      ),
    confirmation: (gwmsChannelCode) => ({
      title: `Delete channel mapping ${gwmsChannelCode}?`,
      content: 'Drop-shipping orders on this channel are refused until it is mapped again.',
      okText: 'Delete',
      okType: 'danger',
    }),
    succeeded: (_, gwmsChannelCode) => `Channel mapping ${gwmsChannelCode} deleted`,
    invalidates: [proxySystemKeys.channelMappings(systemCode)],
  });
}
