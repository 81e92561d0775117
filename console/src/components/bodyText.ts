/** JSON bodies pretty-printed for reading; anything else (XML, truncated JSON, text) as it came. */
export function prettyBody(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
