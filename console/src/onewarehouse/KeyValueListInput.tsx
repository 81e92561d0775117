import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Form, Input, Space } from 'antd';

export interface KeyValueRow {
  key: string;
  value: string;
}

interface KeyValueListInputProps {
  name: string;
  keyLabel: string;
  valueLabel: string;
  addLabel: string;
}

/** An editable key → value table (OneWarehouse code → GWMS code), one row per entry. */
export function KeyValueListInput({ name, keyLabel, valueLabel, addLabel }: KeyValueListInputProps) {
  return (
    <Form.List name={name}>
      {(rows, { add, remove }, { errors }) => (
        <>
          {rows.map((row) => (
            <Space key={row.key} align="baseline" style={{ display: 'flex' }}>
              <Form.Item
                name={[row.name, 'key']}
                rules={[{ required: true, whitespace: true, message: `Enter the ${keyLabel}` }]}
              >
                <Input placeholder={keyLabel} aria-label={keyLabel} />
              </Form.Item>
              <span aria-hidden>→</span>
              <Form.Item
                name={[row.name, 'value']}
                rules={[{ required: true, whitespace: true, message: `Enter the ${valueLabel}` }]}
              >
                <Input placeholder={valueLabel} aria-label={valueLabel} />
              </Form.Item>
              <Button
                type="text"
                aria-label={`Remove ${keyLabel}`}
                icon={<DeleteOutlined aria-hidden />}
                onClick={() => remove(row.name)}
              />
            </Space>
          ))}
          <Button
            type="dashed"
            icon={<PlusOutlined aria-hidden />}
            onClick={() => add({ key: '', value: '' })}
          >
            {addLabel}
          </Button>
          <Form.ErrorList errors={errors} />
        </>
      )}
    </Form.List>
  );
}
