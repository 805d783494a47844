/**
 * The little Markdown the goal parser needs: which lines are inside fenced code blocks, and
 * which lines are headings. Deliberately not a full CommonMark parser.
 */
import { indentWidth, isBlank } from './text.js';

/** `text` is ordinary Markdown; `fence` opens or closes a code block; `code` is inside one. */
export type LineKind = 'text' | 'fence' | 'code';

/** A fence is three or more backticks or tildes; a backtick fence's info string has no backtick. */
const FENCE_OPEN = /^[ \t]*(`{3,}(?!.*`)|~{3,})/;
const HEADING = /^(#{1,6})(?:[ \t]+(.*))?$/;
/** An optional closing sequence of `#`s, as in `## Tasks ##`. */
const HEADING_CLOSE = /(?:^|[ \t]+)#+[ \t]*$/;

interface OpenFence {
  marker: string;
  indent: number;
}

function fenceOpener(line: string): OpenFence | undefined {
  const match = FENCE_OPEN.exec(line);
  const marker = match?.[1];
  return marker === undefined ? undefined : { marker, indent: indentWidth(line) };
}

function closesFence(line: string, fence: OpenFence): boolean {
  const trimmed = line.trim();
  const char = fence.marker.charAt(0);
  return trimmed.length >= fence.marker.length && [...trimmed].every((c) => c === char);
}

/**
 * Classifies every line. A fence closes at a matching fence line, or implicitly at a non-blank
 * line indented less than its opening line: a fence inside a task's indented body ends with the
 * task, as a fence inside a Markdown list item ends with the item.
 */
export function classifyLines(lines: readonly string[]): LineKind[] {
  const kinds: LineKind[] = [];
  let fence: OpenFence | undefined;
  for (const line of lines) {
    if (fence && !isBlank(line) && indentWidth(line) < fence.indent) fence = undefined;
    if (fence) {
      const closes = closesFence(line, fence);
      kinds.push(closes ? 'fence' : 'code');
      if (closes) fence = undefined;
      continue;
    }
    fence = fenceOpener(line);
    kinds.push(fence ? 'fence' : 'text');
  }
  return kinds;
}

/** A Markdown ATX heading. */
export interface Heading {
  level: number;
  text: string;
}

/**
 * The heading on a `text` line, if it is one. Headings must start in the first column, so that
 * indented lines in a task's body are never mistaken for the end of the Tasks section.
 */
export function headingOf(line: string): Heading | undefined {
  const match = HEADING.exec(line);
  const hashes = match?.[1];
  if (hashes === undefined) return undefined;
  const text = (match?.[2] ?? '').replace(HEADING_CLOSE, '').trim();
  return { level: hashes.length, text };
}
