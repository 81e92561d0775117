import { useMutation } from '@tanstack/react-query';
import { Alert, type ButtonProps, Collapse, Modal, Space, Spin, Tag, Typography } from 'antd';
import { useState } from 'react';
import type { ConnectionTest, TestedRequest } from '../api/types';
import { GUARDS } from '../auth/me';
import { PermittedButton } from '../auth/PermittedButton';
import { ErrorAlert } from './ErrorAlert';
import { HttpStatusTag } from './HttpStatusTag';
import { RequestLogExchange } from './RequestLogExchange';

interface ConnectionTestButtonProps {
  /** What is tested, for the dialog's title: "Test connection — HPK01". */
  subject: string;
  /** One of the `POST .../test-connection` calls. */
  test: () => Promise<ConnectionTest>;
  size?: ButtonProps['size'];
  type?: ButtonProps['type'];
}

/**
 * "Test connection": runs the test at once (it changes nothing) and shows, in a dialog, whether it
 * connected, in the API's words, and every exchange it made. Operators only: it calls out.
 */
export function ConnectionTestButton({ subject, test, size, type }: ConnectionTestButtonProps) {
  const [open, setOpen] = useState(false);
  const run = useMutation({ mutationFn: test });
  return (
    <>
      <PermittedButton
        guard={GUARDS.testConnection}
        size={size}
        type={type}
        onClick={() => {
          setOpen(true);
          run.mutate();
        }}
      >
        Test connection
      </PermittedButton>
      {open && (
        <Modal
          open
          title={`Test connection — ${subject}`}
          width={1000}
          footer={null}
          onCancel={() => {
            setOpen(false);
            run.reset();
          }}
        >
          {run.isPending && (
            <Spin tip="Testing the connection…">
              <div style={{ minHeight: 80 }} />
            </Spin>
          )}
          {run.error && <ErrorAlert error={run.error} />}
          {run.data && <ConnectionTestResult result={run.data} />}
        </Modal>
      )}
    </>
  );
}

/** Green or red with the API's message, then the exchanges, each expanding to request and response. */
function ConnectionTestResult({ result }: { result: ConnectionTest }) {
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Alert
        type={result.ok ? 'success' : 'error'}
        showIcon
        message={result.ok ? 'Connection works' : 'Connection failed'}
        description={result.message}
        data-testid="connection-test-result"
        data-ok={result.ok}
      />
      {result.request_logs.length ? (
        <Collapse
          size="small"
          items={result.request_logs.map((exchange, index) => ({
            key: exchange.log_id ?? String(index),
            label: <ExchangeLine exchange={exchange} />,
            children: <RequestLogExchange log={exchange} />,
          }))}
        />
      ) : (
        <Typography.Text type="secondary">No request was sent.</Typography.Text>
      )}
    </Space>
  );
}

function ExchangeLine({ exchange }: { exchange: TestedRequest }) {
  return (
    <Space size={8} wrap>
      <Tag>{exchange.method}</Tag>
      <Typography.Text strong>{exchange.api_name}</Typography.Text>
      <HttpStatusTag status={exchange.response_status} />
      <Typography.Text type="secondary">{exchange.duration_ms} ms</Typography.Text>
    </Space>
  );
}
