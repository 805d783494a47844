/**
 * Gets a commit onto an agent, sending only the objects it lacks: the agent lists the commits
 * it has, the driver bundles `commit ^those`, uploads it as a blob (or, when small, sends it
 * inline) and has the agent apply it. A result that came inline is passed on as its maker sent
 * it to agents holding everything it builds on (see `offer`).
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { rm, stat } from 'node:fs/promises';
import { sha256File } from '../../shared/node/hash.js';
import { requireDiskSpace } from '../../shared/node/disk-space.js';
import type { AgentClient } from './agent-client.js';
import type { UserRepo } from './user-repo.js';
import { putBlob } from './blob-client.js';
import { readInline } from '../../shared/node/inline-bundle.js';
import { parseBundleHeader } from '../../shared/node/bundle-header.js';
import { memoUnlessFailed } from '../../shared/memo.js';
import { MAX_BUNDLE_PREREQUISITES } from '../../shared/constants.js';
import { shortId } from '../../shared/short-id.js';

const NOTHING: ReadonlySet<string> = new Set();
/** Results kept to pass on, the newest: the tasks that start from a result do so within moments of its report. */
const OFFERS_KEPT = 32;

/** A commit on its way to an agent. */
export interface Transfer {
  /**
   * Settles once the agent has been asked to take the commit in, or is known to hold it. An agent
   * serves a driver's requests one at a time, in order: a task started after this finds the
   * commit there, unless taking it in failed (`done` says why).
   */
  asked: Promise<void>;
  /** Settles once the agent holds the commit. */
  done: Promise<void>;
}

/** Commits held by holding others. */
export interface CommitHistory {
  /** Whether `commit` is in the history of one of `have`. */
  inHistory(commit: string, have: Iterable<string>): boolean;
}

/** A result's bundle as the agent that made it sent it inline, and the commits it builds on. */
interface Offer {
  sha256: string;
  inline: string;
  prerequisites: string[];
}

export class RepoSync {
  /** Per agent: commits it is known to have, oldest first. */
  private readonly known = new Map<string, Set<string>>();
  /** Commits known to be in this repo: only these can be a bundle's prerequisites (an agent's result may still be on its way here). */
  private readonly here = new Set<string>();
  /** Per agent+commit: a sync in flight (or done), so concurrent tasks share one upload. */
  private readonly inflight = new Map<string, Transfer>();
  /** Per agent: the asking for its commits, once (see `prepare`). */
  private readonly tipsAsked = new Map<string, Promise<Set<string>>>();
  /** Per result commit: its maker's inline bundle, the newest OFFERS_KEPT. */
  private readonly offers = new Map<string, Offer>();

  /** `history`: which commits an agent holds by holding others (a run's branch heads hold the results merged into them). */
  constructor(private readonly repo: UserRepo, private readonly workDir: string, private readonly history?: CommitHistory) {}

  /** Records that the agent made `commit` (reported, perhaps not fetched yet): tasks based on it go there first. */
  made(agent: AgentClient, commit: string): void {
    this.known.get(agent.peerId.toString())?.add(commit);
  }

  /** Records that the agent made `commit` and this repo now has it: it is never sent back, and can be a prerequisite. */
  learn(agent: AgentClient, commit: string): void {
    this.here.add(commit);
    this.made(agent, commit);
  }

  /**
   * Keeps the inline bundle an agent reported `commit` in, to pass on unchanged to agents that
   * hold every commit it builds on: they get the result before this repo has taken it in, and
   * without a bundle made here. Each agent checks every object it is sent, as from any bundle.
   * One that is not what it says it is is not kept: a bundle made here goes instead.
   */
  offer(commit: string, bundle: { sha256: string; inline: string }): void {
    const bytes = Buffer.from(bundle.inline, 'base64');
    if (createHash('sha256').update(bytes).digest('hex') !== bundle.sha256) return;
    let prerequisites: string[];
    try {
      const header = parseBundleHeader(bytes.toString('latin1'));
      if (!header.refs.some((r) => r.oid === commit)) return;
      prerequisites = header.prerequisites;
    } catch {
      return;
    }
    this.offers.set(commit, { ...bundle, prerequisites });
    for (const old of this.offers.keys()) {
      if (this.offers.size <= OFFERS_KEPT) break;
      this.offers.delete(old);
    }
  }

  /** Whether `commit` can be sent to every one of `agentIds` now: it is here, or its maker's bundle fits each. */
  canSend(commit: string, agentIds: readonly string[]): boolean {
    if (this.here.has(commit)) return true;
    const offer = this.offers.get(commit);
    return offer !== undefined && agentIds.every((id) => this.fits(offer, this.knownTo(id)));
  }

  /** Commits the agent is known to have. */
  knownTo(agentId: string): ReadonlySet<string> {
    return this.known.get(agentId) ?? NOTHING;
  }

  /** Agents known to have `commit` already: a task based on it starts there with nothing to send. */
  holders(commit: string): string[] {
    return [...this.known].filter(([, commits]) => commits.has(commit)).map(([id]) => id);
  }

  /** Asks the agent which commits it has ahead of its first task, off the path of that task's start. */
  prepare(agent: AgentClient): Promise<void> {
    // A failed ask is asked again by the first send.
    return this.knownOf(agent).then(() => undefined, () => undefined);
  }

  /** Gets `commit` onto the agent; settles once it is there. */
  ensure(agent: AgentClient, commit: string): Promise<void> {
    return this.transfer(agent, commit).done;
  }

  /** Gets `commit` onto the agent: `asked` settles once the agent has been asked to take it in (see Transfer). */
  transfer(agent: AgentClient, commit: string): Transfer {
    const key = `${agent.peerId.toString()}:${commit}`;
    const under = this.inflight.get(key);
    if (under) return under;
    let asked!: () => void;
    const askedOnce = new Promise<void>((resolve) => { asked = resolve; });
    const done = this.send(agent, commit, asked);
    // Failed before asking: whoever waits for the asking goes on, and hears why from `done`.
    done.then(asked, asked);
    return memoUnlessFailed(this.inflight, key, { asked: askedOnce, done }, done);
  }

  /** The commits the agent has, asked of it the first time. */
  private knownOf(agent: AgentClient): Promise<Set<string>> {
    const id = agent.peerId.toString();
    const asked = this.tipsAsked.get(id);
    if (asked) return asked;
    const known = this.ask(agent);
    return memoUnlessFailed(this.tipsAsked, id, known, known);
  }

  private async ask(agent: AgentClient): Promise<Set<string>> {
    // Only tips this repo has can be bundle prerequisites; later additions are always here. The
    // agent lists its newest first.
    const tips = (await agent.rpc.request('repo.tips', { repoId: this.repo.repoId })).tips;
    const known = new Set((await this.repo.knownCommits(tips)).reverse());
    for (const c of known) this.here.add(c);
    this.known.set(agent.peerId.toString(), known);
    return known;
  }

  /** Sends `commit` (calling `asked` once the agent's answer is all that is left) unless the agent has it. */
  private async send(agent: AgentClient, commit: string, asked: () => void): Promise<void> {
    const id = agent.peerId.toString();
    const known = await this.knownOf(agent);
    if (known.has(commit)) return;
    const offer = this.offers.get(commit);
    if (offer && this.fits(offer, known)) {
      try {
        await this.apply(agent, { blob: offer.sha256, commit, inline: offer.inline }, asked);
        known.add(commit);
        return;
      } catch (err) {
        // Refused (or the agent lacked something after all): a bundle made here goes instead, once this repo has the commit.
        this.offers.delete(commit);
        if (!this.here.has(commit) || !agent.connected) throw err;
      }
    }
    const file = join(this.workDir, `sync-${id.slice(-8)}-${shortId(commit)}.bundle`);
    // The bundle's size is known only once written: what must stay free is checked before.
    await requireDiskSpace(this.workDir, 0, `the bundle of ${shortId(commit)} for agent ${agent.name}`);
    try {
      const prerequisites = [...known].filter((c) => this.here.has(c)).slice(-MAX_BUNDLE_PREREQUISITES);
      if (await this.repo.bundle(commit, prerequisites, file)) {
        const sha256 = await sha256File(file);
        const { size } = await stat(file);
        const inline = await readInline(file, size);
        if (inline === undefined) await putBlob(agent, file, sha256, size);
        await this.apply(agent, { blob: sha256, commit, ...(inline !== undefined ? { inline } : {}) }, asked);
      }
      known.add(commit);
      this.here.add(commit);
    } finally {
      await rm(file, { force: true });
    }
  }

  /** Has the agent take in a bundle, calling `asked` once the request is on its way. */
  private async apply(agent: AgentClient, bundle: { blob: string; commit: string; inline?: string }, asked: () => void): Promise<void> {
    const applied = agent.rpc.request('repo.apply', { repoId: this.repo.repoId, ...bundle });
    asked();
    await applied;
  }

  /** Whether an agent holding `known` has every commit the offered bundle builds on. */
  private fits(offer: Offer, known: ReadonlySet<string>): boolean {
    return offer.prerequisites.every((c) => known.has(c) || this.history?.inHistory(c, known) === true);
  }
}

