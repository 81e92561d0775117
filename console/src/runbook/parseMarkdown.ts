/**
 * The little Markdown the runbook is written in, rendered without a library: `<a id>` anchors before
 * headings, #–### headings, paragraphs, numbered and bulleted lists (indented lines continue an item),
 * tables, fenced code, and inline `code`, **bold** and [links](#anchor).
 */
export type Block =
  | { kind: 'heading'; level: number; text: string; id?: string }
  | { kind: 'paragraph'; text: string }
  | { kind: 'list'; ordered: boolean; items: string[] }
  | { kind: 'table'; header: string[]; rows: string[][] }
  | { kind: 'code'; text: string };

const ANCHOR = /^<a id="([^"]+)"><\/a>$/;
const HEADING = /^(#{1,3}) (.+)$/;
const ORDERED = /^\s*\d+\. (.*)$/;
const BULLET = /^\s*- (.*)$/;

export function parseMarkdown(source: string): Block[] {
  const blocks: Block[] = [];
  const lines = source.split('\n');
  let anchor: string | undefined;
  let index = 0;
  while (index < lines.length) {
    const line = lines[index];
    if (!line.trim()) {
      index += 1;
      continue;
    }
    const anchorMatch = ANCHOR.exec(line.trim());
    if (anchorMatch) {
      anchor = anchorMatch[1];
      index += 1;
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      blocks.push({ kind: 'heading', level: heading[1].length, text: heading[2], id: anchor });
      anchor = undefined;
      index += 1;
      continue;
    }
    if (line.startsWith('```')) {
      const end = lines.indexOf('```', index + 1);
      const stop = end === -1 ? lines.length : end;
      blocks.push({ kind: 'code', text: lines.slice(index + 1, stop).join('\n') });
      index = stop + 1;
      continue;
    }
    if (line.startsWith('|')) {
      const rows: string[][] = [];
      while (index < lines.length && lines[index].startsWith('|')) {
        const cells = lines[index]
          .split('|')
          .slice(1, -1)
          .map((cell) => cell.trim());
        if (!cells.every((cell) => /^-+$/.test(cell))) {
          rows.push(cells);
        }
        index += 1;
      }
      blocks.push({ kind: 'table', header: rows[0] ?? [], rows: rows.slice(1) });
      continue;
    }
    const ordered = ORDERED.exec(line);
    const bullet = ordered ? null : BULLET.exec(line);
    if (ordered || bullet) {
      const marker = ordered ? ORDERED : BULLET;
      const items: string[] = [];
      while (index < lines.length && lines[index].trim()) {
        const item = marker.exec(lines[index]);
        if (item) {
          items.push(item[1]);
        } else if (items.length) {
          items[items.length - 1] += ` ${lines[index].trim()}`;
        }
        index += 1;
      }
      blocks.push({ kind: 'list', ordered: Boolean(ordered), items });
      continue;
    }
    const paragraph: string[] = [];
    while (
      index < lines.length &&
      lines[index].trim() &&
      !HEADING.exec(lines[index]) &&
      !ANCHOR.exec(lines[index].trim())
    ) {
      paragraph.push(lines[index].trim());
      index += 1;
    }
    blocks.push({ kind: 'paragraph', text: paragraph.join(' ') });
  }
  return blocks;
}
