/** A finished run's pull request: the button that asks for it, and what came of it. */
import { useApp } from '../../app/contexts.js';

export function PullRequestButton({ runId }: { runId: string }) {
  const open = useApp((s) => s.openPullRequest);
  const busy = useApp((s) => s.pullRequest?.runId === runId && s.pullRequest.busy);
  return (
    <button type="button" data-testid="open-pull-request" disabled={busy} onClick={() => void open(runId)} title="Push the run branch and open a pull request with gh, the report as its body">
      {busy ? 'Opening pull request…' : 'Open pull request'}
    </button>
  );
}

export function PullRequestOutcome({ runId }: { runId: string }) {
  const pr = useApp((s) => (s.pullRequest?.runId === runId ? s.pullRequest : null));
  if (!pr || pr.busy) return null;
  if (pr.error) return <p className="banner banner-error" role="alert" data-testid="pull-request" data-status="error">No pull request: {pr.error}</p>;
  const r = pr.result!;
  if (r.status === 'created') {
    return (
      <p className="banner banner-info" role="status" data-testid="pull-request" data-status="created">
        Pull request opened{r.url ? <>: <a href={r.url} target="_blank" rel="noopener noreferrer">{r.url}</a></> : '.'}
      </p>
    );
  }
  return (
    <div className="banner banner-warning" role="status" data-testid="pull-request" data-status={r.status}>
      <p>{r.status === 'pushed' ? `The branch is pushed${r.remote ? ` to ${r.remote}` : ''}, but no pull request was opened` : 'Nothing was pushed'}: {r.reason}.</p>
      {r.instructions && r.instructions.length > 0 ? (
        <>
          <p>To finish it by hand, run in the repository:</p>
          <pre className="commands" data-testid="pull-request-commands">{r.instructions.join('\n')}</pre>
        </>
      ) : null}
    </div>
  );
}
