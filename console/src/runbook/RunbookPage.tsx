import { Typography } from 'antd';
import { useEffect } from 'react';
import { useLocation } from 'react-router';
import runbook from '../../../docs/operations.md?raw';
import { Markdown } from './markdown';

/** docs/operations.md, built into the console, so every error's runbook entry is one click away. */
export function RunbookPage() {
  const { hash } = useLocation();
  useEffect(() => {
    const entry = hash ? document.getElementById(decodeURIComponent(hash.slice(1))) : null;
    entry?.scrollIntoView?.();
  }, [hash]);
  return (
    <Typography className="runbook">
      <Markdown source={runbook} />
    </Typography>
  );
}
