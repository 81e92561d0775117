import { Button, Result } from 'antd';
import { Link } from 'react-router';

export function NotFoundPage() {
  return (
    <Result
      status="404"
      title="Page not found"
      subTitle="This console address does not exist."
      extra={
        <Link to="/tasks">
          <Button type="primary">Go to Sync Tasks</Button>
        </Link>
      }
    />
  );
}
