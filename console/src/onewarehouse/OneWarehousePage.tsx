import { Card, Col, Descriptions, Empty, Row, Space, Spin, Tabs, Tag } from 'antd';
import { useState } from 'react';
import { Navigate, useNavigate, useParams } from 'react-router';
import { useApiClient } from '../api/client';
import { unwrap } from '../api/errors';
import type { Environment } from '../api/types';
import { GUARDS } from '../auth/me';
import { PermittedButton } from '../auth/PermittedButton';
import { ConnectionTestButton } from '../components/ConnectionTestButton';
import { DateTime } from '../components/DateTime';
import { ErrorAlert } from '../components/ErrorAlert';
import { PageHeader } from '../layout/PageHeader';
import { ConnectionForm } from './ConnectionForm';
import { useConnection } from './onewarehouseQueries';
import { PushUrlsCard } from './PushUrlsCard';

const ENVIRONMENTS: { key: Environment; label: string }[] = [
  { key: 'sandbox', label: 'Sandbox' },
  { key: 'production', label: 'Production' },
];

/** The sandbox and production OneWarehouse connections, and the push URLs OneWarehouse needs from us. */
export function OneWarehousePage() {
  const { environment } = useParams();
  const navigate = useNavigate();
  const current = ENVIRONMENTS.find((candidate) => candidate.key === environment);
  if (!current) return <Navigate to="/onewarehouse/sandbox" replace />;
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <PageHeader title="OneWarehouse" />
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={15}>
          <Card size="small">
            <Tabs
              activeKey={current.key}
              onChange={(key) => navigate(`/onewarehouse/${key}`)}
              items={ENVIRONMENTS.map(({ key, label }) => ({
                key,
                label,
                children: <ConnectionPanel key={key} environment={key} />,
              }))}
            />
          </Card>
        </Col>
        <Col xs={24} xl={9}>
          <PushUrlsCard />
        </Col>
      </Row>
    </Space>
  );
}

function ConnectionPanel({ environment }: { environment: Environment }) {
  const api = useApiClient();
  const connection = useConnection(environment);
  const [configuring, setConfiguring] = useState(false);
  if (connection.isPending) return <Spin />;
  if (connection.error) return <ErrorAlert error={connection.error} />;
  if (connection.data === null && !configuring) {
    return (
      <Empty description={`The OneWarehouse ${environment} connection is not configured.`}>
        <PermittedButton guard={GUARDS.connections} type="primary" onClick={() => setConfiguring(true)}>
          Configure
        </PermittedButton>
      </Empty>
    );
  }
  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      {connection.data && (
        <ConnectionTestButton
          subject={`OneWarehouse ${environment}`}
          test={() =>
            unwrap(
              api.POST('/v1/onewarehouse/connections/{environment}/test-connection', {
                params: { path: { environment } },
              }),
            )
          }
        />
      )}
      {connection.data && (
        <Descriptions size="small" column={{ xs: 1, sm: 2, md: 2, lg: 2, xl: 2, xxl: 4 }}>
          <Descriptions.Item label="Status">
            {connection.data.active ? <Tag color="success">Active</Tag> : <Tag>Inactive</Tag>}
          </Descriptions.Item>
          <Descriptions.Item label="App secret">
            {connection.data.app_secret_set ? 'Set' : 'Not set'}
          </Descriptions.Item>
          <Descriptions.Item label="Callback key">
            {connection.data.callback_key_set ? 'Set' : 'Not set'}
          </Descriptions.Item>
          <Descriptions.Item label="Updated">
            <DateTime value={connection.data.updated_at} />
          </Descriptions.Item>
        </Descriptions>
      )}
      <ConnectionForm
        // A fresh form once the connection first exists, so it switches from creating to editing.
        key={connection.data ? 'edit' : 'create'}
        environment={environment}
        connection={connection.data}
        onCancel={connection.data ? undefined : () => setConfiguring(false)}
      />
    </Space>
  );
}
