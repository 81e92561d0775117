import { ApiOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Form, Input, Space, Typography } from 'antd';
import { useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { errorMessage } from '../api/errors';
import { type SignInResult, useAuth } from './auth';
import { nextPath } from './signInLink';

type SetNewPassword = (newPassword: string) => Promise<SignInResult>;

/** /console/sign-in?next=<page>: Email and Password against the Cognito user pool, then back to `next`. */
export function SignInPage() {
  const auth = useAuth();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [params] = useSearchParams();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [setNewPassword, setSetNewPassword] = useState<SetNewPassword | null>(null);

  const attempt = async (step: Promise<SignInResult>) => {
    setBusy(true);
    setError(null);
    try {
      const result = await step;
      if (result.status === 'newPasswordRequired') {
        setSetNewPassword(() => result.setNewPassword);
        return;
      }
      // Nothing cached for whoever was signed in before may show for this user.
      queryClient.clear();
      navigate(nextPath(params), { replace: true });
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="sign-in-page">
      <Card className="sign-in-card">
        <Space direction="vertical" size="large" style={{ width: '100%' }}>
          <div>
            <Typography.Title level={3} style={{ margin: 0 }}>
              <ApiOutlined aria-hidden /> GWMS Console
            </Typography.Title>
            <Typography.Text type="secondary">
              {setNewPassword
                ? 'Choose a new password to finish signing in.'
                : 'Proxy Warehouse operations. Sign in with your operator account.'}
            </Typography.Text>
          </div>
          {error && <Alert type="error" showIcon message={error} />}
          {setNewPassword ? (
            <Form<{ newPassword: string }>
              key="new-password"
              layout="vertical"
              requiredMark={false}
              onFinish={({ newPassword }) => attempt(setNewPassword(newPassword))}
            >
              <Form.Item
                label="New password"
                name="newPassword"
                rules={[{ required: true, message: 'Enter a new password' }]}
              >
                <Input.Password autoComplete="new-password" autoFocus />
              </Form.Item>
              <Button type="primary" htmlType="submit" block loading={busy}>
                Set new password
              </Button>
            </Form>
          ) : (
            <Form<{ email: string; password: string }>
              key="sign-in"
              layout="vertical"
              requiredMark={false}
              onFinish={({ email, password }) => attempt(auth.signIn(email, password))}
            >
              <Form.Item
                label="Email"
                name="email"
                rules={[{ required: true, whitespace: true, message: 'Enter your email' }]}
              >
                <Input type="email" autoComplete="username" autoFocus />
              </Form.Item>
              <Form.Item
                label="Password"
                name="password"
                rules={[{ required: true, message: 'Enter your password' }]}
              >
                <Input.Password autoComplete="current-password" />
              </Form.Item>
              <Button type="primary" htmlType="submit" block loading={busy}>
                Sign in
              </Button>
            </Form>
          )}
        </Space>
      </Card>
    </div>
  );
}
