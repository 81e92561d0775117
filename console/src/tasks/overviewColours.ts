import type { GlobalToken } from 'antd';

export const OVERVIEW_COLOUR_HELP =
  'Red: action needed. Yellow: attention. Blue: informational. Click a card to filter the task list.';

/** The API colours a count by urgency; drawn with the theme's error, warning and primary colours. */
export function overviewColour(colour: string, token: GlobalToken): string | undefined {
  const colours: Record<string, string> = {
    red: token.colorError,
    yellow: token.colorWarning,
    blue: token.colorPrimary,
  };
  return colours[colour];
}
