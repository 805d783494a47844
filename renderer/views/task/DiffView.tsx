/** One task's changes, file by file, unified or side by side, with syntax highlighting. */
import { useMemo, useState } from 'react';
import type { FileDiff } from '../../../shared/bridge/views.js';
import { hunksOf, sideBySideRows, unifiedRows, type SideCell } from '../../logic/diff-rows.js';
import { languageFor, type HighlightLanguage } from '../../logic/languages.js';
import { highlightLine, MAX_HIGHLIGHTED_ROWS } from './highlight.js';

export type DiffMode = 'unified' | 'split';

export function DiffView({ files }: { files: readonly FileDiff[] }) {
  const [mode, setMode] = useState<DiffMode>('unified');
  const [selected, setSelected] = useState(0);
  const file = files[Math.min(selected, files.length - 1)];
  if (!file) return <p className="muted" data-testid="diff-view" data-mode={mode}>This task changed no files.</p>;
  return (
    <div className="diff" data-testid="diff-view" data-mode={mode}>
      <div className="diff-toolbar">
        <ul className="diff-files" aria-label="Changed files">
          {files.map((f, i) => (
            <li key={f.path}>
              <button type="button" className={i === selected ? 'diff-file diff-file-active' : 'diff-file'} data-testid="diff-file" data-path={f.path} onClick={() => setSelected(i)}>
                <span className={`change change-${f.change}`}>{f.change[0]?.toUpperCase()}</span> {f.oldPath ? `${f.oldPath} → ${f.path}` : f.path}
              </button>
            </li>
          ))}
        </ul>
        <div className="segmented" role="group" aria-label="Diff layout">
          <button type="button" aria-pressed={mode === 'unified'} data-testid="diff-mode-unified" onClick={() => setMode('unified')}>Unified</button>
          <button type="button" aria-pressed={mode === 'split'} data-testid="diff-mode-split" onClick={() => setMode('split')}>Side by side</button>
        </div>
      </div>
      <FileBody file={file} mode={mode} />
    </div>
  );
}

function FileBody({ file, mode }: { file: FileDiff; mode: DiffMode }) {
  const hunks = useMemo(() => hunksOf(file), [file]);
  const rowCount = hunks.reduce((n, h) => n + h.lines.length + 1, 0);
  const language = rowCount <= MAX_HIGHLIGHTED_ROWS ? languageFor(file.path) : undefined;
  if (file.binary) return <p className="muted">Binary file: not shown.</p>;
  if (hunks.length === 0) return <p className="muted">No line changes (mode or name only).</p>;
  return (
    <div className="diff-scroll">
      {mode === 'unified' ? <UnifiedTable hunks={hunks} language={language} /> : <SplitTable hunks={hunks} language={language} />}
    </div>
  );
}

type Hunks = ReturnType<typeof hunksOf>;

function UnifiedTable({ hunks, language }: { hunks: Hunks; language: HighlightLanguage | undefined }) {
  const rows = useMemo(() => unifiedRows(hunks), [hunks]);
  return (
    <table className="diff-table">
      <tbody>
        {rows.map((r, i) =>
          r.kind === 'hunk' ? (
            <tr key={i} className="diff-hunk"><td colSpan={3}>{r.text}</td></tr>
          ) : (
            <tr key={i} className={`diff-${r.kind}`}>
              <td className="ln">{r.oldNo ?? ''}</td>
              <td className="ln">{r.newNo ?? ''}</td>
              <Code text={r.text} kind={r.kind} language={language} />
            </tr>
          ),
        )}
      </tbody>
    </table>
  );
}

function SplitTable({ hunks, language }: { hunks: Hunks; language: HighlightLanguage | undefined }) {
  const rows = useMemo(() => sideBySideRows(hunks), [hunks]);
  return (
    <table className="diff-table diff-split">
      <tbody>
        {rows.map((r, i) =>
          r.kind === 'hunk' ? (
            <tr key={i} className="diff-hunk"><td colSpan={4}>{r.text}</td></tr>
          ) : (
            <tr key={i}>
              <Side cell={r.left} language={language} />
              <Side cell={r.right} language={language} />
            </tr>
          ),
        )}
      </tbody>
    </table>
  );
}

function Side({ cell, language }: { cell: SideCell | undefined; language: HighlightLanguage | undefined }) {
  if (!cell) return <><td className="ln diff-empty" /><td className="code diff-empty" /></>;
  return (
    <>
      <td className={`ln diff-${cell.kind}`}>{cell.no}</td>
      <Code text={cell.text} kind={cell.kind} language={language} />
    </>
  );
}

const MARKS = { add: '+', del: '-', context: ' ' } as const;

function Code({ text, kind, language }: { text: string; kind: keyof typeof MARKS; language: HighlightLanguage | undefined }) {
  // highlight.js escapes what it marks up; highlightLine escapes plain lines itself.
  return <td className={`code diff-${kind}`} data-mark={MARKS[kind]} dangerouslySetInnerHTML={{ __html: highlightLine(text, language) }} />;
}
