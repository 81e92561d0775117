import { Breadcrumb, Space, Typography } from 'antd';
import type { ReactNode } from 'react';

export function PageHeader({ title, extra }: { title: string; extra?: ReactNode }) {
  return (
    <div className="page-header">
      <div>
        <Breadcrumb items={[{ title: 'GWMS' }, { title: 'Proxy Warehouse' }, { title }]} />
        <Typography.Title level={3} style={{ margin: '4px 0 0' }}>
          {title}
        </Typography.Title>
      </div>
      {extra && <Space>{extra}</Space>}
    </div>
  );
}
