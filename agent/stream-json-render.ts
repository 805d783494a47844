/**
 * Renders Claude Code's `--output-format stream-json --verbose` NDJSON as calm, coloured terminal
 * text for a session's pane (event shapes: notes/claude-code.md). Input is raw stdout, possibly
 * from a PTY: lines may be split anywhere (even inside a UTF-8 character), end in \r\n and carry
 * stray escape sequences. Escapes are stripped and only lines that then start with `{` are
 * parsed; other lines pass through unchanged. Nothing here throws on bad input.
 */
import { z } from 'zod';
import { stripAnsi } from '../shared/ansi.js';

const DEFAULT_COLS = 100;
/** Narrower panes still get readable lines: wrapping below this width only makes noise. */
const MIN_COLS = 20;
/** Lines of a tool result shown before `… +N lines`. */
const MAX_RESULT_LINES = 4;
/** A longer line is dropped rather than buffered without bound (a huge Read result, garbage). */
const MAX_LINE_CHARS = 16 * 1024 * 1024;
const EOL = '\r\n';
const MS_PER_S = 1000;
const COST_DECIMALS = 4;
const TAB = '    ';

const SGR = { dim: '2', thinking: '2;3', tool: '1;36', ok: '32', error: '31', none: '' } as const;
type Style = (typeof SGR)[keyof typeof SGR];

// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;
const FENCE = /^\s*(`{3,}|~{3,})/;
/** Leading indentation plus a list marker: continuation lines hang under the item's text. */
const LIST_LEAD = /^\s*(?:(?:[-*+]|\d+[.)])\s+)?/;

/** System events shown as nothing: hook runs are the agent's own relay. */
const QUIET_SYSTEM = new Set(['hook_started', 'hook_response']);

const Head = z.looseObject({ type: z.string(), subtype: z.string().optional() });
const Init = z.object({ session_id: z.string(), model: z.string().optional(), permissionMode: z.string().optional(), cwd: z.string().optional() });
const Block = z.looseObject({ type: z.string() });
const Message = z.object({ message: z.object({ content: z.union([z.string(), z.array(Block)]) }) });
const Text = z.object({ text: z.string() });
const ToolUse = z.object({ name: z.string(), input: z.record(z.string(), z.unknown()).catch({}) });
const Part = z.looseObject({ type: z.string(), text: z.string().optional() });
const ToolResult = z.object({ content: z.union([z.string(), z.array(Part)]).optional(), is_error: z.boolean().optional() });
const Result = z.object({
  subtype: z.string(), is_error: z.boolean().optional(), total_cost_usd: z.number().optional(), num_turns: z.number().optional(),
  duration_ms: z.number().optional(), result: z.string().optional(), errors: z.array(z.unknown()).optional(),
});

const ifStr = (v: unknown, f: (s: string) => string): string | undefined => (typeof v === 'string' ? f(v) : undefined);
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
const lineCount = (s: string): number => (s === '' ? 0 : s.replace(/\n$/, '').split('\n').length);

type Input = Record<string, unknown>;
type Summary = (input: Input, rel: (path: string) => string) => string | undefined;
const path = (key: string): Summary => (i, rel) => ifStr(i[key], rel);
const plain = (key: string): Summary => (i) => ifStr(i[key], (s) => s);
const within: Summary = (i, rel) => ifStr(i.path, (d) => ` in ${rel(d)}`) ?? '';
/** One-line summaries of well-known tools' inputs; undefined falls back to compact JSON. */
const SUMMARIES: Record<string, Summary> = {
  Write: (i, rel) => ifStr(i.file_path, (p) => rel(p) + (ifStr(i.content, (c) => ` (${plural(lineCount(c), 'line')})`) ?? '')),
  Edit: path('file_path'), MultiEdit: path('file_path'), Read: path('file_path'),
  NotebookEdit: path('notebook_path'), LS: path('path'),
  Bash: (i) => ifStr(i.command, (c) => c.trim().replace(/\n[^]*$/, ' …')),
  Grep: (i, rel) => ifStr(i.pattern, (p) => `"${p}"${within(i, rel)}`),
  Glob: (i, rel) => ifStr(i.pattern, (p) => `${p}${within(i, rel)}`),
  WebFetch: plain('url'), WebSearch: plain('query'), Task: plain('description'),
  TodoWrite: (i) => (Array.isArray(i.todos) ? plural(i.todos.length, 'item') : undefined),
};

/** Turns stream-json stdout into terminal text, one complete line at a time. */
export class StreamJsonRenderer {
  private readonly decoder = new TextDecoder();
  private readonly color: boolean;
  private cols = DEFAULT_COLS;
  private pending = '';
  private overflow = false;
  private cwd = '';
  private wroteItem = false;

  /** `cols`: the pane's width (default 100); `color`: emit SGR colours (default true). */
  constructor(opts: { cols?: number; color?: boolean } = {}) {
    this.color = opts.color ?? true;
    this.setCols(opts.cols ?? DEFAULT_COLS);
  }

  /** Takes the next piece of raw stdout (bytes; a string is taken as already decoded) and returns the rendering of the lines it completed. */
  push(chunk: Uint8Array | string): string {
    const text = typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    let out = '';
    let start = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      this.append(text.slice(start, nl));
      out += this.takeLine();
      start = nl + 1;
    }
    this.append(text.slice(start));
    return out;
  }

  /** The output ended: renders whatever was left without a final newline. */
  end(): string {
    const out = this.push(this.decoder.decode());
    return this.pending === '' && !this.overflow ? out : out + this.takeLine();
  }

  /** The pane was resized: later lines are wrapped and cut to `n` columns. */
  setCols(n: number): void {
    this.cols = Number.isFinite(n) ? Math.max(MIN_COLS, Math.floor(n)) : DEFAULT_COLS;
  }

  private append(part: string): void {
    if (this.overflow) return;
    if (this.pending.length + part.length > MAX_LINE_CHARS) [this.pending, this.overflow] = ['', true];
    else this.pending += part;
  }

  private takeLine(): string {
    const raw = this.pending.replace(/\r$/, '');
    const overflow = this.overflow;
    [this.pending, this.overflow] = ['', false];
    if (overflow) return eol(this.item([this.paint(SGR.dim, '… skipped an over-long line')]));
    const text = stripAnsi(raw).trim();
    if (!text.startsWith('{')) {
      // Not an event: the CLI's own words, shown as they came. A line of nothing but escapes keeps
      // its effect on the terminal without adding a blank line.
      return text === '' && raw !== '' ? raw : raw + EOL;
    }
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      return eol(this.other(text)); // A broken line is shown, not fatal.
    }
    return eol(this.event(data) ?? this.other(text));
  }

  /** The lines for one parsed event, or undefined if it is not one this renderer knows. */
  private event(data: unknown): string[] | undefined {
    const head = Head.safeParse(data);
    if (!head.success) return undefined;
    const { type, subtype } = head.data;
    // Hook bookkeeping (the agent's own state relay) and retry notices are not the session's story.
    if (type === 'system' && subtype !== undefined && QUIET_SYSTEM.has(subtype)) return [];
    if (type === 'system' && subtype === 'init') {
      const e = Init.safeParse(data);
      if (!e.success) return undefined;
      const { session_id: id, model, permissionMode, cwd } = e.data;
      this.cwd = cwd ?? '';
      const base = cwd?.replace(/\/+$/, '').split('/').pop();
      const parts = [`● session ${id.slice(0, 8)}`, model, permissionMode, base || undefined];
      return this.item([this.paint(SGR.dim, this.fit(clean(parts.filter(Boolean).join(' · '))))]);
    }
    if (type === 'assistant' || type === 'user') {
      const e = Message.safeParse(data);
      if (!e.success) return undefined;
      const { content } = e.data.message;
      if (typeof content === 'string') return this.item([this.paint(SGR.dim, this.fit(`❯ ${clean(content).trim().replace(/\n+/g, ' ')}`))]);
      return content.flatMap((b) => this.block(b));
    }
    if (type === 'result') {
      const e = Result.safeParse(data);
      return e.success ? this.item([this.result(e.data)]) : undefined;
    }
    return undefined;
  }

  private block(b: z.infer<typeof Block>): string[] {
    const text = Text.safeParse(b);
    if (b.type === 'text' && text.success) return this.item(this.text(text.data.text));
    if (b.type === 'thinking' || b.type === 'redacted_thinking') return this.item([this.paint(SGR.thinking, '✻ thinking…')]);
    const use = ToolUse.safeParse(b);
    if (b.type === 'tool_use' && use.success) {
      const { name, input } = use.data;
      const rel = (p: string): string => (this.cwd !== '' && p.startsWith(`${this.cwd}/`) ? p.slice(this.cwd.length + 1) : p);
      const summary = clean(SUMMARIES[name]?.(input, rel) ?? JSON.stringify(input)).replace(/\n/g, ' ');
      const title = clean(name);
      return this.item([this.twoTone(this.fit(`⏺ ${title} ${summary}`.trimEnd()), `⏺ ${title}`.length, SGR.tool, SGR.none)]);
    }
    const res = ToolResult.safeParse(b);
    if (b.type === 'tool_result' && res.success) return this.toolResult(res.data);
    return this.other(JSON.stringify(b));
  }

  /** Assistant prose wrapped to the pane; fenced code kept as written, indented by two. */
  private text(text: string): string[] {
    const out: string[] = [];
    let fence: string | undefined;
    for (const line of clean(text).replace(/^\n+|\s+$/g, '').split('\n')) {
      const marker = FENCE.exec(line)?.[1];
      const opens = fence === undefined && marker !== undefined;
      const closes = fence !== undefined && marker !== undefined && marker[0] === fence[0] && marker.length >= fence.length;
      if (fence === undefined && !opens) out.push(...wrap(line, this.cols));
      else out.push(opens || closes ? this.paint(SGR.dim, this.fit(`  ${line}`)) : this.fit(`  ${line}`));
      if (opens) fence = marker;
      if (closes) fence = undefined;
    }
    return out;
  }

  private toolResult(r: z.infer<typeof ToolResult>): string[] {
    const body = typeof r.content === 'string' ? r.content : (r.content ?? []).map((c) => c.text ?? `[${c.type}]`).join('\n');
    const trimmed = clean(body).replace(/^\n+|\s+$/g, '');
    const all = trimmed === '' ? [] : trimmed.split('\n');
    const style = r.is_error ? SGR.error : SGR.none;
    if (all.length === 0) return [this.paint(SGR.dim, '  ⎿ (no output)')];
    const out = all.slice(0, MAX_RESULT_LINES).map((l, i) => (
      i === 0 ? this.paint(SGR.dim, '  ⎿ ') : '    ') + this.paint(style, this.fit(l, this.cols - 4)));
    const more = all.length - MAX_RESULT_LINES;
    if (more > 0) out.push(this.paint(SGR.dim, `    … +${plural(more, 'line')}`));
    return out;
  }

  private result(e: z.infer<typeof Result>): string {
    const ok = e.is_error !== true && e.subtype === 'success';
    const errors = e.errors?.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join('; ');
    const detail = errors || (e.is_error ? e.result : undefined);
    const why = e.subtype === 'success' ? detail || 'error' : detail ? `${e.subtype}: ${detail}` : e.subtype;
    const head = ok ? '✓ done' : `✗ ${clean(why).split('\n')[0] ?? ''}`;
    const stats = [
      e.total_cost_usd === undefined ? undefined : `$${e.total_cost_usd.toFixed(COST_DECIMALS)}`,
      e.num_turns === undefined ? undefined : plural(e.num_turns, 'turn'),
      e.duration_ms === undefined ? undefined : `${(e.duration_ms / MS_PER_S).toFixed(1)}s`,
    ].filter((s) => s !== undefined);
    const line = this.fit([head, ...stats].join(' · '));
    return this.twoTone(line, head.length, ok ? SGR.ok : SGR.error, SGR.dim);
  }

  /** An event or block this renderer does not know: compact, dimmed, one line. */
  private other(json: string): string[] {
    return this.item([this.paint(SGR.dim, this.fit(clean(json).replace(/\n/g, ' ')))]);
  }

  /** A top-level item: separated from the one before by a blank line. */
  private item(lines: string[]): string[] {
    const first = !this.wroteItem;
    this.wroteItem = true;
    return first ? lines : ['', ...lines];
  }

  private fit(s: string, width = this.cols): string {
    const chars = [...s];
    return chars.length <= width ? s : `${chars.slice(0, Math.max(0, width - 1)).join('')}…`;
  }

  private paint(style: Style, s: string): string {
    return this.color && style !== '' && s !== '' ? `\x1b[${style}m${s}\x1b[0m` : s;
  }

  /** `line` with its first `n` UTF-16 units in one style and the rest in another. */
  private twoTone(line: string, n: number, a: Style, b: Style): string {
    return this.paint(a, line.slice(0, n)) + this.paint(b, line.slice(n));
  }
}

const eol = (lines: string[]): string => lines.map((l) => l + EOL).join('');

/** Text from an event made safe to print: no escapes or control characters but newlines. */
function clean(s: string): string {
  return stripAnsi(s).replace(/\r\n?/g, '\n').replace(/\t/g, TAB).replace(CONTROL, '');
}

/** Word-wraps one line to `width` columns (code points), hanging list items' continuations. */
function wrap(line: string, width: number): string[] {
  if ([...line].length <= width) return [line];
  const found = LIST_LEAD.exec(line)?.[0] ?? '';
  const lead = found.length < width / 2 ? found : '';
  const room = width - lead.length;
  // The longest run that ends at a space or the end of the line; else a word's first `room` characters.
  const pieces = line.slice(lead.length).match(new RegExp(`\\S.{0,${room - 1}}(?=\\s|$)|\\S{1,${room}}`, 'gu')) ?? [''];
  return pieces.map((p, i) => (i === 0 ? lead : ' '.repeat(lead.length)) + p.trimEnd());
}
