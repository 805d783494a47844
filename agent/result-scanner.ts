/**
 * Picks Claude Code's final stream-json `result` event out of terminal output. Inside a PTY
 * lines end in \r\n and escape sequences may sit around a line, so escapes are stripped and only
 * lines that then start with `{` are parsed (notes/claude-code.md).
 */
import { z } from 'zod';
import type { SessionSummary } from '../shared/protocol/control.js';
import { jsonBytes } from '../shared/protocol/json-value.js';
import { MAX_STRUCTURED_OUTPUT_BYTES } from '../shared/constants.js';
import { stripAnsi } from '../shared/ansi.js';

/**
 * Longer lines are not result events worth keeping; drop them rather than grow without bound.
 * A result with structured output holds it twice (`result` as escaped text, `structured_output`).
 */
const MAX_LINE_BYTES = 4 * MAX_STRUCTURED_OUTPUT_BYTES + 1024 * 1024;
const MAX_RESULT_TEXT = 20_000;

const ResultEvent = z.object({
  type: z.literal('result'),
  subtype: z.string(),
  is_error: z.boolean().optional(),
  total_cost_usd: z.number().optional(),
  num_turns: z.number().optional(),
  result: z.string().optional(),
  errors: z.array(z.unknown()).optional(),
  /** With `--json-schema`: what the model gave its StructuredOutput tool. */
  structured_output: z.unknown().optional(),
});

export class ResultScanner {
  private line = '';
  private overflow = false;
  summary: SessionSummary | null = null;

  push(chunk: Uint8Array): void {
    const text = Buffer.from(chunk).toString('utf8');
    let start = 0;
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', start)) {
      this.append(text.slice(start, i));
      this.finishLine();
      start = i + 1;
    }
    this.append(text.slice(start));
  }

  private append(part: string): void {
    if (this.overflow) return;
    if (this.line.length + part.length > MAX_LINE_BYTES) {
      this.overflow = true;
      this.line = '';
      return;
    }
    this.line += part;
  }

  private finishLine(): void {
    const line = stripAnsi(this.line).replace(/\r$/, '').trim();
    this.line = '';
    const wasOverflow = this.overflow;
    this.overflow = false;
    if (wasOverflow || !line.startsWith('{') || !line.includes('"result"')) return;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      return; // Not a complete JSON line (e.g. wrapped by escapes): not the event we want.
    }
    const parsed = ResultEvent.safeParse(raw);
    if (!parsed.success) return;
    const e = parsed.data;
    let text = e.result ?? (e.errors ? e.errors.map(String).join('; ') : undefined);
    let structured: { structuredOutput?: unknown } = {};
    if (e.structured_output !== undefined) {
      const bytes = jsonBytes(e.structured_output);
      if (bytes !== undefined && bytes <= MAX_STRUCTURED_OUTPUT_BYTES) structured = { structuredOutput: e.structured_output };
      else text = bytes === undefined ? 'the structured output is not serializable JSON' : `the structured output is ${bytes} bytes; at most ${MAX_STRUCTURED_OUTPUT_BYTES} are passed on`;
    }
    this.summary = {
      subtype: e.subtype.slice(0, 64),
      isError: e.is_error ?? false,
      costUsd: Math.max(0, e.total_cost_usd ?? 0),
      numTurns: Math.max(0, Math.floor(e.num_turns ?? 0)),
      ...(text === undefined ? {} : { text: text.slice(0, MAX_RESULT_TEXT) }),
      ...structured,
    };
  }
}
