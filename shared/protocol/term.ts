/**
 * `/claudecluster/term/1.0.0`: one stream per task terminal.
 * driver → agent: one `TermOpen` frame, then `TermInput` frames (length-prefixed JSON).
 * agent → driver: one `TermOpened` frame, then the raw terminal bytes from `offset` on (or from
 * `start`, when the agent no longer keeps `offset`: logs are capped and drop their oldest output),
 * live until the session ends; then the agent closes its side.
 */
import { z } from 'zod';
import { TaskRef } from './common.js';

export const MAX_INPUT_CHARS = 64 * 1024;

export const TermOpen = TaskRef.extend({
  /** Byte offset in the task's terminal log to start from (0 = everything). */
  offset: z.number().int().nonnegative(),
}).strict();
export type TermOpen = z.infer<typeof TermOpen>;

export const TermOpened = z.union([
  z.object({
    ok: z.literal(true),
    /** The log's size when the stream opened (bytes ever written, counting dropped ones). */
    size: z.number().int().nonnegative(),
    /**
     * Where the bytes that follow start, when later than the requested offset: output before it
     * was dropped to keep the log under its cap. Absent means the requested offset (so agents
     * that never drop output, and drivers that predate this field, agree).
     */
    start: z.number().int().nonnegative().optional(),
  }).strict(),
  z.object({ ok: z.literal(false), error: z.string().max(1000) }).strict(),
]);
export type TermOpened = z.infer<typeof TermOpened>;

export const TermInput = z.discriminatedUnion('type', [
  z.object({ type: z.literal('input'), data: z.string().max(MAX_INPUT_CHARS) }).strict(),
  z.object({ type: z.literal('resize'), cols: z.number().int().min(2).max(1000), rows: z.number().int().min(1).max(1000) }).strict(),
]);
export type TermInput = z.infer<typeof TermInput>;
