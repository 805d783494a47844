/**
 * Syntax highlighting for diff lines: highlight.js core with only the languages in
 * HIGHLIGHT_LANGUAGES registered (the full bundle would add about a megabyte).
 */
import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import css from 'highlight.js/lib/languages/css';
import go from 'highlight.js/lib/languages/go';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import markdown from 'highlight.js/lib/languages/markdown';
import python from 'highlight.js/lib/languages/python';
import rust from 'highlight.js/lib/languages/rust';
import typescript from 'highlight.js/lib/languages/typescript';
import xml from 'highlight.js/lib/languages/xml';
import yaml from 'highlight.js/lib/languages/yaml';
import type { HighlightLanguage } from '../../logic/languages.js';

const GRAMMARS = { bash, css, go, javascript, json, markdown, python, rust, typescript, xml, yaml } satisfies Record<HighlightLanguage, unknown>;
for (const [name, grammar] of Object.entries(GRAMMARS)) hljs.registerLanguage(name, grammar);

/** Past this many rows a diff is shown plain: highlighting is per line and would stall the page. */
export const MAX_HIGHLIGHTED_ROWS = 4000;

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/** One line as HTML: highlight.js escapes the text it marks up; plain lines are escaped here. */
export function highlightLine(text: string, language: HighlightLanguage | undefined): string {
  if (!language) return escapeHtml(text);
  return hljs.highlight(text, { language, ignoreIllegals: true }).value;
}
