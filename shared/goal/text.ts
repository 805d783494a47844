/** Line-level text helpers for the goal parser: splitting, indentation, dedenting, trimming. */

/** Tabs advance to the next multiple of this column, as in CommonMark. */
export const TAB_WIDTH = 4;

const BYTE_ORDER_MARK = '\uFEFF';
const LINE_BREAK = /\r\n|\r|\n/;

/** Splits text into lines, accepting LF, CRLF and lone CR; a leading byte order mark is dropped. */
export function splitLines(text: string): string[] {
  const body = text.startsWith(BYTE_ORDER_MARK) ? text.slice(BYTE_ORDER_MARK.length) : text;
  return body.split(LINE_BREAK);
}

/** True for an empty or whitespace-only line. */
export function isBlank(line: string): boolean {
  return line.trim() === '';
}

/** True when the line starts with a space or tab. */
export function isIndented(line: string): boolean {
  return line.startsWith(' ') || line.startsWith('\t');
}

/** Width in columns of the line's leading whitespace (tabs expand to the next tab stop). */
export function indentWidth(line: string): number {
  let column = 0;
  for (const char of line) {
    if (char === ' ') column += 1;
    else if (char === '\t') column += TAB_WIDTH - (column % TAB_WIDTH);
    else break;
  }
  return column;
}

/** Removes `columns` columns of leading whitespace; a tab that is only partly removed leaves spaces. */
function removeIndent(line: string, columns: number): string {
  let column = 0;
  let index = 0;
  while (column < columns && index < line.length) {
    const char = line[index];
    if (char === ' ') column += 1;
    else if (char === '\t') column += TAB_WIDTH - (column % TAB_WIDTH);
    else break;
    index += 1;
  }
  return ' '.repeat(Math.max(0, column - columns)) + line.slice(index);
}

/**
 * Removes the indentation common to all non-blank lines, measured in columns so that a tab
 * and four spaces count the same. Blank lines become empty.
 */
export function dedent(lines: readonly string[]): string[] {
  // reduce, not Math.min(...widths): a spread of a huge body would overflow the call stack.
  const common = lines
    .filter((line) => !isBlank(line))
    .reduce<number | undefined>((min, line) => Math.min(min ?? Infinity, indentWidth(line)), undefined) ?? 0;
  return lines.map((line) => (isBlank(line) ? '' : removeIndent(line, common)));
}

/** Drops items whose line is blank from the start and the end; items in between are kept. */
export function trimBlank<T>(items: readonly T[], lineOf: (item: T) => string): T[] {
  let start = 0;
  let end = items.length;
  while (start < end && isBlank(lineOf(items[start] as T))) start += 1;
  while (end > start && isBlank(lineOf(items[end - 1] as T))) end -= 1;
  return items.slice(start, end);
}

/** Drops blank lines at the start and the end; lines in between are kept as written. */
export function trimBlankLines(lines: readonly string[]): string[] {
  return trimBlank(lines, (line) => line);
}

/** Size of the text in UTF-8 bytes, without relying on TextEncoder (not in the neutral lib). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code < 0x10000) bytes += 3;
    else bytes += 4;
  }
  return bytes;
}
