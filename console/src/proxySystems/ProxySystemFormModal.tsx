import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Form, Input, Select, Switch } from 'antd';
import { useApiClient } from '../api/client';
import { unwrap } from '../api/errors';
import type { ProxySystem, ProxySystemCreate } from '../api/types';
import { ApiFormModal } from '../components/ApiFormModal';
import { proxySystemKeys } from './proxySystemQueries';

const FIELD_NAMES = [
  'code',
  'name',
  'system_type',
  'api_endpoint',
  'account',
  'password',
  'version',
  'enabled',
] as const satisfies readonly (keyof ProxySystemCreate)[];

const SYSTEM_TYPE_OPTIONS = [{ value: 'HPK', label: 'HPK (Hipacking)' }];
export const KEEP_PASSWORD_PLACEHOLDER = 'Leave blank to keep the current password';

interface ProxySystemFormModalProps {
  /** The system to edit; absent to add one. */
  system?: ProxySystem;
  onClose: () => void;
}

/** Add or Edit a proxy warehouse system (HPK guide §1.1). The password is write-only. */
export function ProxySystemFormModal({ system, onClose }: ProxySystemFormModalProps) {
  const api = useApiClient();
  const queryClient = useQueryClient();
  const save = useMutation({
    mutationFn: ({ code, password, ...fields }: ProxySystemCreate) =>
      system
        ? unwrap(
            api.PUT('/v1/proxy-systems/{code}', {
              params: { path: { code: system.code } },
              // Sent only when typed: an absent password keeps the stored secret.
              body: password ? { ...fields, password } : fields,
            }),
          )
        : unwrap(api.POST('/v1/proxy-systems', { body: { code, password, ...fields } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: proxySystemKeys.all }),
  });

  return (
    <ApiFormModal<ProxySystemCreate>
      title={system ? `Edit proxy warehouse system ${system.code}` : 'Add proxy warehouse system'}
      fieldNames={FIELD_NAMES}
      initialValues={system ? editableFields(system) : { system_type: 'HPK', version: '5', enabled: true }}
      submit={save.mutateAsync}
      successMessage={system ? 'Proxy warehouse system saved' : 'Proxy warehouse system added'}
      onClose={onClose}
    >
      <Form.Item label="System code" name="code" rules={[{ required: true, message: 'Enter a system code' }]}>
        <Input disabled={Boolean(system)} placeholder="e.g. HPK01" />
      </Form.Item>
      <Form.Item
        label="System Name"
        name="name"
        rules={[{ required: true, message: 'Enter the system name' }]}
      >
        <Input placeholder="e.g. Hipacking Los Angeles" />
      </Form.Item>
      <Form.Item label="System Type" name="system_type" rules={[{ required: true }]}>
        <Select options={SYSTEM_TYPE_OPTIONS} />
      </Form.Item>
      <Form.Item
        label="API endpoint"
        name="api_endpoint"
        rules={[{ required: true, message: 'Enter the API endpoint HPK provided' }]}
      >
        <Input placeholder="http://test.hipacking.cn" />
      </Form.Item>
      <Form.Item
        label="Login account"
        name="account"
        rules={[{ required: true, message: 'Enter the login account' }]}
      >
        <Input autoComplete="off" />
      </Form.Item>
      <Form.Item
        label="Login password"
        name="password"
        rules={system ? [] : [{ required: true, message: 'Enter the login password' }]}
        extra={system?.password_set ? 'A password is set.' : undefined}
      >
        <Input.Password
          autoComplete="new-password"
          placeholder={system ? KEEP_PASSWORD_PLACEHOLDER : undefined}
        />
      </Form.Item>
      <Form.Item
        label="Version number"
        name="version"
        rules={[{ required: true, message: 'Enter the version number' }]}
        extra="HPK: enter 5"
      >
        <Input />
      </Form.Item>
      <Form.Item label="Enabled" name="enabled" valuePropName="checked">
        <Switch />
      </Form.Item>
    </ApiFormModal>
  );
}

function editableFields({ code, name, system_type, api_endpoint, account, version, enabled }: ProxySystem) {
  // HPK is the only system type so far; the API will name others when they exist.
  return {
    code,
    name,
    system_type: system_type as ProxySystemCreate['system_type'],
    api_endpoint,
    account,
    version,
    enabled,
  };
}
