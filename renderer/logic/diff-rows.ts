/**
 * Turns one file's unified patch into rows for the diff view: unified (one column, both line
 * numbers) or side by side (removed lines on the left paired with added lines on the right).
 */
import { structuredPatch, type StructuredPatchHunk } from 'diff';

export type LineKind = 'context' | 'add' | 'del';

export interface DiffLine {
  kind: LineKind;
  oldNo?: number;
  newNo?: number;
  text: string;
}

/** A hunk header row (`@@ -1,3 +1,4 @@`) or a line. */
export type UnifiedRow = { kind: 'hunk'; text: string } | DiffLine;

export interface SideCell {
  no: number;
  kind: LineKind;
  text: string;
}

export type SideRow = { kind: 'hunk'; text: string } | { kind: 'pair'; left?: SideCell; right?: SideCell };

/** Context lines around each change when a patch is computed from whole files. */
const CONTEXT_LINES = 3;

/** The hunks of a file's patch; when the patch is empty but both sides are known, they are diffed here. */
export function hunksOf(file: { patch: string; before?: string | undefined; after?: string | undefined }): StructuredPatchHunk[] {
  if (file.patch.trim() === '' && file.before !== undefined && file.after !== undefined) {
    return structuredPatch('a', 'b', file.before, file.after, undefined, undefined, { context: CONTEXT_LINES }).hunks;
  }
  return parseHunks(file.patch);
}

const HUNK_HEADER = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

/**
 * The hunks of one file's unified patch. Lenient on purpose: the driver caps long patches, so
 * the last hunk may hold fewer lines than its header says (a strict parser refuses that).
 * Everything before the first `@@` is the file header (`diff --git`, `---`, `+++`…).
 */
export function parseHunks(patch: string): StructuredPatchHunk[] {
  const hunks: StructuredPatchHunk[] = [];
  let current: StructuredPatchHunk | undefined;
  for (const line of patch.split('\n')) {
    const header = HUNK_HEADER.exec(line);
    if (header) {
      current = {
        oldStart: Number(header[1]),
        oldLines: header[2] === undefined ? 1 : Number(header[2]),
        newStart: Number(header[3]),
        newLines: header[4] === undefined ? 1 : Number(header[4]),
        lines: [],
      };
      hunks.push(current);
    } else if (current && /^[ +\\-]/.test(line)) {
      current.lines.push(line);
    }
  }
  return hunks;
}

/** Numbers every line of a hunk; "\ No newline at end of file" markers are left out. */
export function hunkLines(hunk: StructuredPatchHunk): DiffLine[] {
  let oldNo = hunk.oldStart;
  let newNo = hunk.newStart;
  const out: DiffLine[] = [];
  for (const line of hunk.lines) {
    const mark = line[0];
    const text = line.slice(1);
    if (mark === '+') out.push({ kind: 'add', newNo: newNo++, text });
    else if (mark === '-') out.push({ kind: 'del', oldNo: oldNo++, text });
    else if (mark === ' ') out.push({ kind: 'context', oldNo: oldNo++, newNo: newNo++, text });
  }
  return out;
}

export function hunkHeader(h: StructuredPatchHunk): string {
  return `@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`;
}

export function unifiedRows(hunks: readonly StructuredPatchHunk[]): UnifiedRow[] {
  return hunks.flatMap((h): UnifiedRow[] => [{ kind: 'hunk', text: hunkHeader(h) }, ...hunkLines(h)]);
}

/** Pairs each run of removed lines with the run of added lines after it, row by row. */
export function sideBySideRows(hunks: readonly StructuredPatchHunk[]): SideRow[] {
  const rows: SideRow[] = [];
  for (const h of hunks) {
    rows.push({ kind: 'hunk', text: hunkHeader(h) });
    const lines = hunkLines(h);
    let i = 0;
    while (i < lines.length) {
      const line = lines[i];
      if (!line) break;
      if (line.kind === 'context') {
        rows.push({ kind: 'pair', left: cell(line, line.oldNo), right: cell(line, line.newNo) });
        i++;
        continue;
      }
      const dels: DiffLine[] = [];
      const adds: DiffLine[] = [];
      while (lines[i]?.kind === 'del') dels.push(lines[i++] as DiffLine);
      while (lines[i]?.kind === 'add') adds.push(lines[i++] as DiffLine);
      for (let k = 0; k < Math.max(dels.length, adds.length); k++) {
        const d = dels[k];
        const a = adds[k];
        rows.push({ kind: 'pair', ...(d ? { left: cell(d, d.oldNo) } : {}), ...(a ? { right: cell(a, a.newNo) } : {}) });
      }
    }
  }
  return rows;
}

function cell(line: DiffLine, no: number | undefined): SideCell {
  return { no: no ?? 0, kind: line.kind, text: line.text };
}
