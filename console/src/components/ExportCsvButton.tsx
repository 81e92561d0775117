import { DownloadOutlined } from '@ant-design/icons';
import { useMutation } from '@tanstack/react-query';
import { App, Button } from 'antd';
import { errorMessage } from '../api/errors';
import type { ExportedFile } from '../api/types';

interface ExportCsvButtonProps {
  /** One of the `POST /v1/exports/...` calls; it answers with a short-lived link to the CSV. */
  exportCsv: () => Promise<ExportedFile>;
  disabled?: boolean;
}

/** "Export CSV": the API writes the file, the browser downloads it from the link; reads, so every role may. */
export function ExportCsvButton({ exportCsv, disabled }: ExportCsvButtonProps) {
  const { message } = App.useApp();
  const exported = useMutation({
    mutationFn: exportCsv,
    onSuccess: (file) => {
      downloadFrom(file);
      message.success(`${rowCount(file.rows)} exported`);
    },
    onError: (error) => message.error(errorMessage(error)),
  });
  return (
    <Button
      icon={<DownloadOutlined aria-hidden />}
      loading={exported.isPending}
      disabled={disabled}
      onClick={() => exported.mutate()}
    >
      Export CSV
    </Button>
  );
}

function rowCount(rows: number): string {
  return rows === 1 ? '1 row' : `${rows} rows`;
}

/**
 * The link is a presigned GET on another origin, answered with `Content-Disposition: attachment`, so
 * following it downloads the file and leaves the console where it is (`download` names it where the
 * browser honours the attribute).
 */
function downloadFrom({ url, filename }: Pick<ExportedFile, 'url' | 'filename'>) {
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.rel = 'noopener';
  link.style.display = 'none';
  document.body.append(link);
  link.click();
  link.remove();
}
