import type { ReactNode } from 'react';
import { parseMarkdown } from './parseMarkdown';

const INLINE = /(`[^`]+`|\*\*[^*]+\*\*|\[[^\]]+\]\([^)]+\))/g;

function inline(text: string): ReactNode[] {
  return text.split(INLINE).map((part, position) => {
    if (part.startsWith('`') && part.endsWith('`') && part.length > 1) {
      return <code key={position}>{part.slice(1, -1)}</code>;
    }
    if (part.startsWith('**') && part.endsWith('**')) {
      return <strong key={position}>{part.slice(2, -2)}</strong>;
    }
    const link = /^\[([^\]]+)\]\(([^)]+)\)$/.exec(part);
    if (link) {
      return (
        <a key={position} href={link[2]}>
          {link[1]}
        </a>
      );
    }
    return part;
  });
}

export function Markdown({ source }: { source: string }) {
  return (
    <>
      {parseMarkdown(source).map((block, position) => {
        switch (block.kind) {
          case 'heading': {
            const Tag = (['h1', 'h2', 'h3'] as const)[block.level - 1];
            return (
              <Tag key={position} id={block.id}>
                {inline(block.text)}
              </Tag>
            );
          }
          case 'paragraph':
            return <p key={position}>{inline(block.text)}</p>;
          case 'list': {
            const List = block.ordered ? 'ol' : 'ul';
            return (
              <List key={position}>
                {block.items.map((item, itemPosition) => (
                  <li key={itemPosition}>{inline(item)}</li>
                ))}
              </List>
            );
          }
          case 'table':
            return (
              <table key={position} className="runbook-table">
                <thead>
                  <tr>
                    {block.header.map((cell, cellPosition) => (
                      <th key={cellPosition}>{inline(cell)}</th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {block.rows.map((row, rowPosition) => (
                    <tr key={rowPosition}>
                      {row.map((cell, cellPosition) => (
                        <td key={cellPosition}>{inline(cell)}</td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            );
          case 'code':
            return <pre key={position}>{block.text}</pre>;
        }
      })}
    </>
  );
}
