import { Space, Typography } from 'antd';

/** A labelled, copyable block of verbatim text (headers, bodies). */
export function CodeBlock({ label, text }: { label: string; text: string }) {
  return (
    <div>
      <Space size={4}>
        <Typography.Text strong>{label}</Typography.Text>
        {text && <Typography.Text copyable={{ text, tooltips: [`Copy ${label.toLowerCase()}`, 'Copied'] }} />}
      </Space>
      <pre className="code-block">{text || <Typography.Text type="secondary">(empty)</Typography.Text>}</pre>
    </div>
  );
}
