import { LogoutOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Button } from 'antd';
import { useNavigate } from 'react-router';
import { useAuth } from '../auth/auth';
import { SIGN_IN_PATH } from '../auth/signInLink';

/** The header's right end: who is signed in, with which role, and Sign out. */
export function SignedInUser() {
  const auth = useAuth();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const signOut = async () => {
    // Off the pages first, so nothing refetches without a session; then out of the pool, then the cache.
    navigate(SIGN_IN_PATH);
    await auth.signOut();
    queryClient.clear();
  };
  return (
    <Button icon={<LogoutOutlined aria-hidden />} onClick={signOut}>
      Sign out
    </Button>
  );
}
