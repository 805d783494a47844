/** Schema pieces used by more than one protocol. */
import { z } from 'zod';
import { ID_PATTERN, INLINE_BUNDLE_BYTES } from '../constants.js';

/** A run or task id: safe in file names and git ref names. */
export const Id = z.string().regex(ID_PATTERN, 'must be 1–64 letters, digits, "_" or "-", starting with a letter or digit');
/** A git object id (SHA-1 or SHA-256 repositories). */
export const Oid = z.string().regex(/^(?:[0-9a-f]{40}|[0-9a-f]{64})$/, 'must be a full git object id');
/** A sha256 content hash, lower-case hex. */
export const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'must be a sha256 hex digest');
/** A small bundle's bytes, sent inline (base64, at most INLINE_BUNDLE_BYTES decoded). */
export const InlineBundle = z.base64().max(Math.ceil(INLINE_BUNDLE_BYTES / 3) * 4);
/** A task's identity on an agent: the run it belongs to and its id in the goal. */
export const TaskRef = z.object({ runId: Id, taskId: Id }).strict();
export type TaskRef = z.infer<typeof TaskRef>;

/** `run/task`, used in logs, file names and maps. */
export function taskKey(ref: TaskRef): string {
  return `${ref.runId}.${ref.taskId}`;
}

/** A stable, short, human-readable description of why a message was refused. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((i) => {
      const path = i.path.length > 0 ? i.path.join('.') : '(message)';
      return `${path}: ${i.message}`;
    })
    .join('; ');
}
