import { LogoutOutlined, UserOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Button, Space, Tag, Typography } from 'antd';
import { useNavigate } from 'react-router';
import { useAuth } from '../auth/auth';
import { useMe } from '../auth/me';
import { SIGN_IN_PATH } from '../auth/signInLink';

/** The header's right end: who is signed in, with their role, and Sign out. */
export function SignedInUser() {
  const auth = useAuth();
  const me = useMe();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const signOut = async () => {
    // Off the pages first, so nothing refetches without a session; then out of the pool, then the cache.
    navigate(SIGN_IN_PATH);
    await auth.signOut();
    queryClient.clear();
  };
  return (
    <Space size="middle">
      {me.data && (
        <Space size={6} className="signed-in-user">
          <UserOutlined aria-hidden />
          <Typography.Text>{me.data.email ?? me.data.subject}</Typography.Text>
          <Tag color={me.data.role === 'viewer' ? 'default' : 'blue'} title="Your role">
            {me.data.role ?? 'no role'}
          </Tag>
        </Space>
      )}
      <Button icon={<LogoutOutlined aria-hidden />} onClick={signOut}>
        Sign out
      </Button>
    </Space>
  );
}
