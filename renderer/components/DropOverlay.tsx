/** Shown while a file is dragged over the window: it can be dropped anywhere. */

export function DropOverlay({ visible }: { visible: boolean }) {
  if (!visible) return null;
  return (
    <div className="drop-overlay" data-testid="drop-overlay" aria-hidden="true">
      <div className="drop-overlay-box">Drop the goal file to check it</div>
    </div>
  );
}
