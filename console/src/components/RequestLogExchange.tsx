import { Alert, Col, Descriptions, Row, Typography } from 'antd';
import type { RequestLog, TestedRequest } from '../api/types';
import { prettyBody } from './bodyText';
import { CodeBlock } from './CodeBlock';
import { HttpStatusTag } from './HttpStatusTag';

/** An exchange as the request log keeps it; a connection test's answer leaves out the headers. */
export type Exchange = TestedRequest & Partial<Pick<RequestLog, 'request_headers'>>;

/** One recorded HTTP exchange: the request on the left, the response on the right. */
export function RequestLogExchange({ log }: { log: Exchange }) {
  const headers =
    log.request_headers &&
    Object.entries(log.request_headers)
      .map(([name, value]) => `${name}: ${value}`)
      .join('\n');
  return (
    <div className="request-log-exchange">
      {log.error && <Alert type="error" showIcon message={log.error} style={{ marginBottom: 12 }} />}
      <Row gutter={24}>
        <Col xs={24} lg={12}>
          <Typography.Title level={5}>Request</Typography.Title>
          <Descriptions size="small" column={1}>
            <Descriptions.Item label="Method">{log.method}</Descriptions.Item>
            <Descriptions.Item label="URL">
              <Typography.Text copyable style={{ wordBreak: 'break-all' }}>
                {log.url}
              </Typography.Text>
            </Descriptions.Item>
          </Descriptions>
          {headers !== undefined && <CodeBlock label="Request headers" text={headers} />}
          <CodeBlock label="Request body" text={prettyBody(log.request_body)} />
        </Col>
        <Col xs={24} lg={12}>
          <Typography.Title level={5}>Response</Typography.Title>
          <Descriptions size="small" column={1}>
            <Descriptions.Item label="Status">
              <HttpStatusTag status={log.response_status} />
            </Descriptions.Item>
            <Descriptions.Item label="Duration">{log.duration_ms} ms</Descriptions.Item>
          </Descriptions>
          <CodeBlock label="Response body" text={prettyBody(log.response_body)} />
        </Col>
      </Row>
    </div>
  );
}
