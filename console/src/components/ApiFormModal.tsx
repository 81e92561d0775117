import { Alert, App, Form, Modal } from 'antd';
import { type ReactNode, useState } from 'react';
import { showApiErrorsOnForm } from './formErrors';

interface ApiFormModalProps<Values> {
  title: string;
  /** The form's field names, the same as the API's, so a 422 lands on the right field. */
  fieldNames: readonly (keyof Values & string)[];
  initialValues?: Partial<Values>;
  submit: (values: Values) => Promise<unknown>;
  successMessage: string;
  onClose: () => void;
  children: ReactNode;
}

/** A form in a dialog that saves through the API and shows the API's refusals where they belong. */
export function ApiFormModal<Values>({
  title,
  fieldNames,
  initialValues,
  submit,
  successMessage,
  onClose,
  children,
}: ApiFormModalProps<Values>) {
  const [form] = Form.useForm<Values>();
  const { message } = App.useApp();
  const [saving, setSaving] = useState(false);
  const [refusal, setRefusal] = useState<string | null>(null);

  const save = async (values: Values) => {
    setSaving(true);
    setRefusal(null);
    try {
      await submit(values);
      message.success(successMessage);
      onClose();
    } catch (error) {
      setRefusal(showApiErrorsOnForm(form, fieldNames, error));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      open
      title={title}
      okText="OK"
      cancelText="Cancel"
      confirmLoading={saving}
      onOk={form.submit}
      onCancel={onClose}
    >
      {refusal && <Alert type="error" showIcon message={refusal} style={{ marginBottom: 16 }} />}
      <Form<Values> form={form} layout="vertical" initialValues={initialValues} onFinish={save}>
        {children}
      </Form>
    </Modal>
  );
}
