import { Card, List, Typography } from 'antd';
import type { PushUrl } from '../api/types';
import { ErrorAlert } from '../components/ErrorAlert';
import { usePushUrls } from './onewarehouseQueries';

const TOPIC_LABELS: Record<PushUrl['topic'], string> = {
  products: 'Products',
  purchase_inbound: 'Purchase inbound',
  return_inbound: 'Return inbound',
  inbound_cancel: 'Inbound cancel',
  outbound: 'Outbound',
  outbound_cancel: 'Outbound cancel',
};

export function PushUrlsCard() {
  const urls = usePushUrls();
  return (
    <Card size="small" title="Push URLs to hand to OneWarehouse">
      {urls.error && <ErrorAlert error={urls.error} />}
      <List
        size="small"
        loading={urls.isPending}
        dataSource={urls.data ?? []}
        renderItem={({ topic, url }) => (
          <List.Item>
            <List.Item.Meta
              title={TOPIC_LABELS[topic]}
              description={
                <Typography.Text
                  copyable={{ text: url, tooltips: [`Copy ${TOPIC_LABELS[topic]} URL`, 'Copied'] }}
                  className="push-url"
                >
                  {url}
                </Typography.Text>
              }
            />
          </List.Item>
        )}
      />
    </Card>
  );
}
