/**
 * A finished run's pull request, asked for from its page (`run.pullRequest`, as `run --pr`):
 * pushed and opened with `gh`, or what stopped it and the commands that finish the job by hand.
 */
import type { PullRequestResult } from '../../shared/bridge/contract.js';
import { messageOf, type SliceContext } from './context.js';

export interface PullRequestState {
  runId: string;
  busy: boolean;
  result?: PullRequestResult;
  /** The call failed (e.g. the run did not merge every task). */
  error?: string;
}

export interface PullRequestSlice {
  /** The last pull request asked for on this page. */
  pullRequest: PullRequestState | null;
  openPullRequest(runId: string): Promise<void>;
}

export function createPullRequestSlice({ bridge, set, get }: SliceContext): PullRequestSlice {
  return {
    pullRequest: null,
    openPullRequest: async (runId) => {
      if (get().pullRequest?.runId === runId && get().pullRequest?.busy) return;
      set({ pullRequest: { runId, busy: true } });
      const settle = (state: PullRequestState): void => {
        // Another run's request may have replaced this one meanwhile.
        if (get().pullRequest?.runId === runId) set({ pullRequest: state });
      };
      try {
        settle({ runId, busy: false, result: await bridge.call('run.pullRequest', { runId }) });
      } catch (err) {
        settle({ runId, busy: false, error: messageOf(err) });
      }
    },
  };
}
