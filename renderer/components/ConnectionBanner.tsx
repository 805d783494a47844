/** Says plainly when the driver is out of reach: nothing on the page is live any more. */
import { useApp } from '../app/contexts.js';

export function ConnectionBanner() {
  const connection = useApp((s) => s.connection);
  if (connection.state !== 'disconnected') return null;
  return (
    <div className="banner banner-error" role="alert" data-testid="disconnected">
      <strong>Disconnected from the ClaudeCluster driver</strong>
      <span>: {connection.reason ?? 'the connection closed'}. What is shown is no longer live. Restart <code>claudecluster ui</code> if it stopped, then reload.</span>
      <button type="button" onClick={() => window.location.reload()}>Reload</button>
    </div>
  );
}
