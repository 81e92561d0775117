import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Form, Input } from 'antd';
import { useApiClient } from '../api/client';
import { unwrap } from '../api/errors';
import type { WarehouseMapping, WarehouseMappingInput } from '../api/types';
import { ApiFormModal } from '../components/ApiFormModal';
import { proxySystemKeys } from './proxySystemQueries';

type Values = WarehouseMappingInput & { proxy_warehouse_code: string };

const FIELD_NAMES = [
  'proxy_warehouse_code',
  'gwms_warehouse_code',
  'virtual_putaway_location',
  'defective_location',
] as const satisfies readonly (keyof Values)[];

interface WarehouseMappingFormModalProps {
  systemCode: string;
  mapping?: WarehouseMapping;
  onClose: () => void;
}

/** HPK guide §1.2: all four fields are required, or inbound goods are not put away and inventory sync cannot run. */
export function WarehouseMappingFormModal({ systemCode, mapping, onClose }: WarehouseMappingFormModalProps) {
  const api = useApiClient();
  const queryClient = useQueryClient();
  const save = useMutation({
    mutationFn: ({ proxy_warehouse_code, ...body }: Values) =>
      unwrap(
        api.PUT('/v1/proxy-systems/{code}/warehouse-mappings/{proxy_warehouse_code}', {
          params: { path: { code: systemCode, proxy_warehouse_code } },
          body,
        }),
      ),
    onSuccess: () =>
      queryClient.invalidateQueries({ queryKey: proxySystemKeys.warehouseMappings(systemCode) }),
  });
  const required = (what: string) => [{ required: true, whitespace: true, message: `Enter the ${what}` }];

  return (
    <ApiFormModal<Values>
      title={mapping ? `Edit warehouse mapping ${mapping.proxy_warehouse_code}` : 'Add warehouse mapping'}
      fieldNames={FIELD_NAMES}
      initialValues={
        mapping
          ? {
              ...mapping,
              virtual_putaway_location: mapping.virtual_putaway_location ?? undefined,
              defective_location: mapping.defective_location ?? undefined,
            }
          : undefined
      }
      submit={save.mutateAsync}
      successMessage="Warehouse mapping saved"
      onClose={onClose}
    >
      <Form.Item
        label="Proxy warehouse code"
        name="proxy_warehouse_code"
        rules={required('proxy warehouse code')}
      >
        <Input disabled={Boolean(mapping)} placeholder="e.g. HPK-LA1" />
      </Form.Item>
      <Form.Item
        label="GWMS warehouse code"
        name="gwms_warehouse_code"
        rules={required('GWMS warehouse code')}
      >
        <Input placeholder="e.g. GW-LA" />
      </Form.Item>
      <Form.Item
        label="Virtual putaway location"
        name="virtual_putaway_location"
        rules={required('virtual putaway location')}
        extra="Where HPK qualified goods are put away."
      >
        <Input />
      </Form.Item>
      <Form.Item
        label="Defective location"
        name="defective_location"
        rules={required('defective location')}
        extra="Where HPK defective goods are put away."
      >
        <Input />
      </Form.Item>
    </ApiFormModal>
  );
}
