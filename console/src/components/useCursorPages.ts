import { useState } from 'react';

/**
 * Back-and-forth paging over an API that only hands out a `next_cursor` (no totals, no page numbers):
 * the cursors of the pages visited so far form a stack. A new `resetKey` (other filters) starts over.
 */
export function useCursorPages(resetKey: string) {
  const [visited, setVisited] = useState<{ key: string; cursors: string[] }>({ key: resetKey, cursors: [] });
  const cursors = visited.key === resetKey ? visited.cursors : [];
  return {
    cursor: cursors.at(-1),
    pageNumber: cursors.length + 1,
    next: (nextCursor: string) => setVisited({ key: resetKey, cursors: [...cursors, nextCursor] }),
    previous: () => setVisited({ key: resetKey, cursors: cursors.slice(0, -1) }),
  };
}

export type CursorPages = ReturnType<typeof useCursorPages>;
