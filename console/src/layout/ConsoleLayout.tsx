import {
  ApiOutlined,
  AuditOutlined,
  ClusterOutlined,
  FileSearchOutlined,
  ProfileOutlined,
  ShopOutlined,
  SyncOutlined,
} from '@ant-design/icons';
import { Layout, Menu, Spin, Typography } from 'antd';
import { Link, Outlet, useLocation } from 'react-router';
import { useMe } from '../auth/me';
import { ErrorAlert } from '../components/ErrorAlert';
import { SignedInUser } from './SignedInUser';

const PAGES = [
  { path: '/tasks', label: 'Sync Tasks', icon: <SyncOutlined aria-hidden /> },
  { path: '/orders', label: 'Orders', icon: <ProfileOutlined aria-hidden /> },
  { path: '/proxy-systems', label: 'Proxy Warehouse System', icon: <ClusterOutlined aria-hidden /> },
  { path: '/logs', label: 'Logs', icon: <FileSearchOutlined aria-hidden /> },
  { path: '/audit', label: 'Audit', icon: <AuditOutlined aria-hidden /> },
  { path: '/onewarehouse', label: 'OneWarehouse', icon: <ShopOutlined aria-hidden /> },
];

/** GWMS-style frame: the Proxy Warehouse module in the left sidebar, who is signed in on top, the page on the right. */
export function ConsoleLayout() {
  const { pathname } = useLocation();
  const selected = PAGES.find((page) => pathname === page.path || pathname.startsWith(`${page.path}/`));
  // Pages render once the role is known, so a control never flips from enabled to disabled.
  const me = useMe();
  return (
    <Layout className="console-layout">
      <Layout.Sider width={256} breakpoint="lg" collapsedWidth={0} theme="dark">
        <div className="console-brand">
          <ApiOutlined aria-hidden /> <Typography.Text strong>GWMS Console</Typography.Text>
        </div>
        <Menu
          theme="dark"
          mode="inline"
          inlineIndent={16}
          selectedKeys={selected ? [selected.path] : []}
          defaultOpenKeys={['proxy-warehouse']}
          items={[
            {
              key: 'proxy-warehouse',
              label: 'Proxy Warehouse',
              children: PAGES.map((page) => ({
                key: page.path,
                icon: page.icon,
                label: <Link to={page.path}>{page.label}</Link>,
              })),
            },
          ]}
        />
      </Layout.Sider>
      <Layout>
        <Layout.Header className="console-header">
          <SignedInUser />
        </Layout.Header>
        <Layout.Content className="console-content">
          {me.error ? (
            <ErrorAlert error={me.error} title="Your account could not be checked" />
          ) : me.isPending ? (
            <Spin tip="Checking your account…" size="large">
              <div className="console-loading" />
            </Spin>
          ) : (
            <Outlet />
          )}
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
