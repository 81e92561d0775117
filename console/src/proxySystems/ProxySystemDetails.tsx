import { Card, Tabs, Tag } from 'antd';
import { useSearchParams } from 'react-router';
import type { ProxySystem } from '../api/types';
import { ChannelMappingsTab } from './ChannelMappingsTab';
import { SkuMappingsTab } from './SkuMappingsTab';
import { WarehouseMappingsTab } from './WarehouseMappingsTab';

const TABS = ['warehouse', 'channel', 'sku'] as const;
type TabKey = (typeof TABS)[number];

/** A selected system's mappings; the tab is in the URL (`?tab=sku&sku_status=failed` links the failed SKUs). */
export function ProxySystemDetails({ system }: { system: ProxySystem }) {
  const [params, setParams] = useSearchParams();
  const tab = TABS.find((key) => key === params.get('tab')) ?? 'warehouse';
  return (
    <Card
      size="small"
      title={`${system.name} (${system.code})`}
      extra={system.enabled ? <Tag color="success">Enabled</Tag> : <Tag>Disabled</Tag>}
    >
      <Tabs
        activeKey={tab}
        onChange={(key) => setParams({ tab: key as TabKey })}
        items={[
          {
            key: 'warehouse',
            label: 'Warehouse',
            children: <WarehouseMappingsTab systemCode={system.code} />,
          },
          { key: 'channel', label: 'Channel', children: <ChannelMappingsTab systemCode={system.code} /> },
          { key: 'sku', label: 'SKU', children: <SkuMappingsTab systemCode={system.code} /> },
        ]}
      />
    </Card>
  );
}
