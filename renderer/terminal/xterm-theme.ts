/** Terminal colours for the light and dark themes (the rest of the palette is xterm's default). */
import type { ITheme } from '@xterm/xterm';

export const XTERM_THEMES: Record<'light' | 'dark', ITheme> = {
  light: {
    background: '#fbfbfc',
    foreground: '#1f2328',
    cursor: '#1f2328',
    cursorAccent: '#fbfbfc',
    selectionBackground: '#b6d4fe',
    black: '#24292f', red: '#cf222e', green: '#116329', yellow: '#7d4e00', blue: '#0550ae', magenta: '#8250df', cyan: '#1b7c83', white: '#6e7781',
    brightBlack: '#57606a', brightRed: '#a40e26', brightGreen: '#1a7f37', brightYellow: '#633c01', brightBlue: '#218bff', brightMagenta: '#a475f9', brightCyan: '#3192aa', brightWhite: '#8c959f',
  },
  dark: {
    background: '#0d1117',
    foreground: '#e6edf3',
    cursor: '#e6edf3',
    cursorAccent: '#0d1117',
    selectionBackground: '#264f78',
  },
};

export const TERMINAL_FONT = 'ui-monospace, "SFMono-Regular", "Cascadia Mono", "DejaVu Sans Mono", Menlo, Consolas, monospace';
export const TERMINAL_FONT_SIZE = 13;
