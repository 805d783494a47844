#!/usr/bin/env node
/**
 * The command every Claude Code hook of a session runs: it reads the hook's JSON from stdin and
 * hands it, with the session's secret, to the agent over the agent's hook socket. It prints
 * nothing for hooks (a hook's stdout can become Claude's context) and always exits 0 quickly, so
 * it can never block or change a session. For `status` (the statusLine command) it prints the
 * status line Claude Code shows.
 */
import { createConnection } from 'node:net';
import { HOOK_ENV, MAX_HOOK_MESSAGE_BYTES, type HookEvent } from './protocol.js';

/** Give up on a stuck agent socket after this long: a hook must never hang a session. */
const RELAY_TIMEOUT_MS = 2_000;

const sentAt = Date.now();
const event = process.argv[2] as HookEvent;
const socket = process.env[HOOK_ENV.socket];
const secret = process.env[HOOK_ENV.secret];

function readStdin(): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (d: string) => { if (text.length < MAX_HOOK_MESSAGE_BYTES) text += d; });
    process.stdin.on('end', () => resolve(text));
    process.stdin.on('error', () => resolve(text));
  });
}

function statusLine(payload: unknown): string {
  const p = payload as { model?: { display_name?: string }; cost?: { total_cost_usd?: number } } | undefined;
  const cost = p?.cost?.total_cost_usd;
  return ['ClaudeCluster', p?.model?.display_name, typeof cost === 'number' ? `$${cost.toFixed(4)}` : undefined].filter(Boolean).join(' · ');
}

async function main(): Promise<void> {
  const text = await readStdin();
  let payload: unknown = null;
  try {
    payload = JSON.parse(text);
  } catch {
    payload = { raw: text.slice(0, 4096) };
  }
  if (event === 'status') process.stdout.write(statusLine(payload));
  if (!socket || !secret) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, RELAY_TIMEOUT_MS);
    const conn = createConnection(socket, () => {
      conn.end(JSON.stringify({ secret, event, payload, sentAt }) + '\n');
    });
    conn.on('close', () => { clearTimeout(timer); resolve(); });
    conn.on('error', () => { clearTimeout(timer); resolve(); });
  });
}

main().finally(() => process.exit(0));
