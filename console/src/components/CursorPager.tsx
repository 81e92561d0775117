import { LeftOutlined, RightOutlined } from '@ant-design/icons';
import { Button, Space, Typography } from 'antd';
import type { CursorPages } from './useCursorPages';

interface CursorPagerProps {
  pages: CursorPages;
  nextCursor: string | null | undefined;
  loading?: boolean;
}

export function CursorPager({ pages, nextCursor, loading }: CursorPagerProps) {
  return (
    <Space style={{ display: 'flex', justifyContent: 'flex-end' }}>
      <Button
        icon={<LeftOutlined aria-hidden />}
        disabled={pages.pageNumber === 1 || loading}
        onClick={pages.previous}
      >
        Previous
      </Button>
      <Typography.Text type="secondary">Page {pages.pageNumber}</Typography.Text>
      <Button disabled={!nextCursor || loading} onClick={() => nextCursor && pages.next(nextCursor)}>
        Next <RightOutlined aria-hidden />
      </Button>
    </Space>
  );
}
