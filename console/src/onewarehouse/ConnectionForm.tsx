import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Form, Input, Radio, Space, Switch, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useApiClient } from '../api/client';
import { unwrap } from '../api/errors';
import type { Connection, ConnectionInput, Environment } from '../api/types';
import { GUARDS, usePermission } from '../auth/me';
import { PermittedButton } from '../auth/PermittedButton';
import { showApiErrorsOnForm } from '../components/formErrors';
import { type KeyValueRow, KeyValueListInput } from './KeyValueListInput';
import { toMap, toRows } from './keyValueRows';
import { onewarehouseKeys } from './onewarehouseQueries';

export const KEEP_SECRET_PLACEHOLDER = 'Leave blank to keep the current value';

const VERIFY_MODES = [
  {
    value: 'enforce',
    label: 'Enforce',
    help: 'Refuse pushes with a wrong signature, timestamp or nonce (HTTP 401).',
  },
  {
    value: 'log',
    label: 'Log',
    help: 'Accept them, but note the mismatch on the request log (Logs page) — for onboarding.',
  },
  {
    value: 'off',
    label: 'Off',
    help: 'Do not check signatures at all. The IP allow-list still applies. Testing only.',
  },
] as const;

interface FormValues {
  app_key: string;
  app_secret?: string;
  callback_key?: string;
  api_base_url: string;
  verify_mode: ConnectionInput['verify_mode'];
  allowed_ips: string[];
  owner_map: KeyValueRow[];
  warehouse_map: KeyValueRow[];
  active: boolean;
}

const FIELD_NAMES = Object.keys({
  app_key: 0,
  app_secret: 0,
  callback_key: 0,
  api_base_url: 0,
  verify_mode: 0,
  allowed_ips: 0,
  owner_map: 0,
  warehouse_map: 0,
  active: 0,
} satisfies Record<keyof FormValues, 0>);

interface ConnectionFormProps {
  environment: Environment;
  /** The stored connection; null to create it. */
  connection: Connection | null;
  onCancel?: () => void;
}

/** One OneWarehouse connection. The app secret and callback key are write-only: typed to set or replace. */
export function ConnectionForm({ environment, connection, onCancel }: ConnectionFormProps) {
  const api = useApiClient();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const [form] = Form.useForm<FormValues>();
  const [refusal, setRefusal] = useState<string | null>(null);
  const creating = connection === null;
  const save = useMutation({
    mutationFn: (body: ConnectionInput) =>
      unwrap(
        api.PUT('/v1/onewarehouse/connections/{environment}', { params: { path: { environment } }, body }),
      ),
    onSuccess: (saved) => {
      message.success(`OneWarehouse ${environment} connection saved`);
      form.resetFields(['app_secret', 'callback_key']);
      // Activating one connection deactivates the other, so both tabs are out of date.
      void queryClient.invalidateQueries({ queryKey: ['onewarehouse', 'connections'] });
      queryClient.setQueryData(onewarehouseKeys.connection(environment), saved);
    },
    onError: (error) => setRefusal(showApiErrorsOnForm(form, FIELD_NAMES, error)),
  });
  // A role that may not change the connection sees it read-only.
  const permission = usePermission(GUARDS.connections);
  const secretRules = creating ? [{ required: true, message: 'Required for a new connection' }] : [];

  return (
    <Form<FormValues>
      form={form}
      layout="vertical"
      disabled={!permission.allowed}
      initialValues={toFormValues(connection)}
      onFinish={(values) => {
        setRefusal(null);
        save.mutate(toInput(values));
      }}
    >
      {refusal && <Alert type="error" showIcon message={refusal} style={{ marginBottom: 16 }} />}
      <Form.Item
        label="App key"
        name="app_key"
        rules={[{ required: true, whitespace: true, message: 'Enter the app key' }]}
      >
        <Input autoComplete="off" />
      </Form.Item>
      <Form.Item
        label={<SecretLabel label="App secret" set={connection?.app_secret_set} />}
        name="app_secret"
        rules={secretRules}
      >
        <Input.Password
          autoComplete="new-password"
          placeholder={creating ? undefined : KEEP_SECRET_PLACEHOLDER}
        />
      </Form.Item>
      <Form.Item
        label={<SecretLabel label="Callback key" set={connection?.callback_key_set} />}
        name="callback_key"
        rules={secretRules}
      >
        <Input.Password
          autoComplete="new-password"
          placeholder={creating ? undefined : KEEP_SECRET_PLACEHOLDER}
        />
      </Form.Item>
      <Form.Item
        label="API base URL"
        name="api_base_url"
        rules={[{ required: true, message: 'Enter the OneWarehouse API base URL' }]}
      >
        <Input placeholder="https://openapi.onewarehouse.example" />
      </Form.Item>
      <Form.Item label="Verify mode" name="verify_mode" extra="How push signatures are checked.">
        <Radio.Group>
          <Space direction="vertical">
            {VERIFY_MODES.map((mode) => (
              <Radio key={mode.value} value={mode.value}>
                <strong>{mode.label}</strong> —{' '}
                <Typography.Text type="secondary">{mode.help}</Typography.Text>
              </Radio>
            ))}
          </Space>
        </Radio.Group>
      </Form.Item>
      <Form.Item
        label="Allowed IPs"
        name="allowed_ips"
        extra="One IP address or CIDR block per line. Leave empty to accept pushes from any address."
        getValueProps={(ips: string[] | undefined) => ({ value: (ips ?? []).join('\n') })}
        normalize={(text: string) => text.split('\n')}
      >
        <Input.TextArea rows={3} placeholder={'203.0.113.10\n198.51.100.0/24'} />
      </Form.Item>
      <Form.Item label="Owner map" extra="OneWarehouse owner code → GWMS customer.">
        <KeyValueListInput
          name="owner_map"
          keyLabel="OneWarehouse owner code"
          valueLabel="GWMS customer"
          addLabel="Add owner"
        />
      </Form.Item>
      <Form.Item label="Warehouse map" extra="OneWarehouse warehouse code → GWMS warehouse.">
        <KeyValueListInput
          name="warehouse_map"
          keyLabel="OneWarehouse warehouse code"
          valueLabel="GWMS warehouse"
          addLabel="Add warehouse"
        />
      </Form.Item>
      <Form.Item
        label="Active"
        name="active"
        valuePropName="checked"
        extra="At most one connection is active: pushes are verified with it and callbacks use it, and activating this one deactivates the other. Going live is activating production."
      >
        <Switch />
      </Form.Item>
      <Space>
        <PermittedButton guard={GUARDS.connections} type="primary" htmlType="submit" loading={save.isPending}>
          Save
        </PermittedButton>
        {onCancel && <Button onClick={onCancel}>Cancel</Button>}
      </Space>
    </Form>
  );
}

function SecretLabel({ label, set }: { label: string; set: boolean | undefined }) {
  return (
    <Space size={6}>
      {label}
      {set && <Tag color="success">Set</Tag>}
    </Space>
  );
}

function toFormValues(connection: Connection | null): Partial<FormValues> {
  if (!connection)
    return { verify_mode: 'enforce', allowed_ips: [], owner_map: [], warehouse_map: [], active: false };
  return {
    app_key: connection.app_key,
    api_base_url: connection.api_base_url,
    verify_mode: connection.verify_mode,
    allowed_ips: connection.allowed_ips,
    owner_map: toRows(connection.owner_map),
    warehouse_map: toRows(connection.warehouse_map),
    active: connection.active,
  };
}

function toInput({
  app_secret,
  callback_key,
  allowed_ips,
  owner_map,
  warehouse_map,
  ...rest
}: FormValues): ConnectionInput {
  return {
    ...rest,
    // Absent secrets keep the stored ones.
    ...(app_secret ? { app_secret } : {}),
    ...(callback_key ? { callback_key } : {}),
    allowed_ips: (allowed_ips ?? []).map((ip) => ip.trim()).filter(Boolean),
    owner_map: toMap(owner_map),
    warehouse_map: toMap(warehouse_map),
  };
}
