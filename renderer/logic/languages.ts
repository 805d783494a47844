/** Which highlight.js language a file's name suggests, among the few the bundle carries. */

/** The languages the renderer registers with highlight.js (see ui/highlight.ts). */
export const HIGHLIGHT_LANGUAGES = ['typescript', 'javascript', 'json', 'python', 'css', 'xml', 'bash', 'markdown', 'yaml', 'go', 'rust'] as const;
export type HighlightLanguage = (typeof HIGHLIGHT_LANGUAGES)[number];

const BY_EXTENSION: Record<string, HighlightLanguage> = {
  ts: 'typescript', tsx: 'typescript', mts: 'typescript', cts: 'typescript',
  js: 'javascript', jsx: 'javascript', mjs: 'javascript', cjs: 'javascript',
  json: 'json', jsonc: 'json',
  py: 'python',
  css: 'css', scss: 'css',
  html: 'xml', htm: 'xml', xml: 'xml', svg: 'xml',
  sh: 'bash', bash: 'bash', zsh: 'bash',
  md: 'markdown', markdown: 'markdown',
  yml: 'yaml', yaml: 'yaml',
  go: 'go',
  rs: 'rust',
};

export function languageFor(path: string): HighlightLanguage | undefined {
  const name = path.slice(path.lastIndexOf('/') + 1).toLowerCase();
  const dot = name.lastIndexOf('.');
  return dot < 0 ? undefined : BY_EXTENSION[name.slice(dot + 1)];
}
