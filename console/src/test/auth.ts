import type { AuthConfig } from '../auth/authConfig';
import { TEST_CLIENT_ID } from './fakeCognito';

export const TEST_AUTH_CONFIG: AuthConfig = {
  region: 'us-east-1',
  userPoolId: 'us-east-1_TestPool',
  userPoolClientId: TEST_CLIENT_ID,
  cognitoEndpoint: 'http://127.0.0.1:5000',
  authFlow: 'USER_PASSWORD_AUTH',
};
