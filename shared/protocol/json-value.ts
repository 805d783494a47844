/**
 * JSON carried as a value rather than a fixed shape: a JSON Schema sent to an agent
 * (`--json-schema`) and the structured output a session answers with. Both are size-capped.
 */
import { z } from 'zod';
import { MAX_STRUCTURED_OUTPUT_BYTES } from '../constants.js';

/** Longest JSON Schema a session may be given (`--json-schema`). */
export const MAX_JSON_SCHEMA_CHARS = 64 * 1024;

const UTF8_1 = 0x80;
const UTF8_2 = 0x800;
const UTF8_3 = 0x10000;

/**
 * Bytes of `value` as UTF-8 JSON, or undefined when it is not JSON (undefined, a function) or
 * cannot be serialized (a cycle, nesting too deep for JSON.stringify).
 */
export function jsonBytes(value: unknown): number | undefined {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    return undefined; // A cycle or RangeError from deep nesting: not a value we pass on.
  }
  if (text === undefined) return undefined;
  let bytes = 0;
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    bytes += code < UTF8_1 ? 1 : code < UTF8_2 ? 2 : code < UTF8_3 ? 3 : 4;
  }
  return bytes;
}

/** A JSON Schema as text: it must parse as a JSON object. */
export const JsonSchemaText = z.string().max(MAX_JSON_SCHEMA_CHARS).refine((text) => {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false; // Not JSON: refused at the boundary rather than by Claude Code at start.
  }
}, 'must be a JSON Schema: a JSON object');

/** A session's structured output: any JSON value of at most MAX_STRUCTURED_OUTPUT_BYTES. */
export const StructuredOutput = z.unknown().refine((value) => {
  const bytes = jsonBytes(value);
  return bytes !== undefined && bytes <= MAX_STRUCTURED_OUTPUT_BYTES;
}, `must be JSON of at most ${MAX_STRUCTURED_OUTPUT_BYTES} bytes`);
