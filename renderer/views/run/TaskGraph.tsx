/** The run's task graph in SVG: layers by dependency depth, boxes coloured by status. */
import { useMemo } from 'react';
import type { TaskStatus } from '../../../shared/bridge/views.js';
import { layoutGraph, NODE_HEIGHT, NODE_WIDTH } from '../../logic/graph-layout.js';
import { STATUS_ORDER } from '../../logic/task-status.js';

/** What a node shows; planned tasks have no status yet and are drawn as waiting. */
export interface GraphNodeTask {
  id: string;
  title: string;
  status: TaskStatus;
  after?: readonly string[] | undefined;
  agent?: string | undefined;
}

/** Characters of a title that fit in a node box at the graph's font size. */
const TITLE_CHARS = 25;
const TEXT_INSET = 10;
const TITLE_BASELINE = 20;
const SUBTITLE_BASELINE = 37;

/** `critical`: the ids of a critical path, whose boxes and the edges between them are drawn heavier. */
export function TaskGraph({ tasks, selectedId, onSelect, critical }: { tasks: readonly GraphNodeTask[]; selectedId: string | null; onSelect(id: string): void; critical?: readonly string[] }) {
  // Lay out again only when the shape (ids and dependencies) changes, not on every status update.
  const shapeKey = tasks.map((t) => `${t.id}<${(t.after ?? []).join(',')}`).join(';');
  const layout = useMemo(() => layoutGraph(parseShape(shapeKey)), [shapeKey]);
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const onPath = new Set(critical ?? []);
  const pathEdges = new Set((critical ?? []).slice(1).map((id, i) => `${critical![i]}>${id}`));
  return (
    <div className="graph-scroll">
      <svg className="graph" data-testid="task-graph" width={layout.width} height={layout.height} viewBox={`0 0 ${layout.width} ${layout.height}`} role="group" aria-label="Task graph">
        <g className="edges">
          {layout.edges.map((e) => (
            <path key={`${e.from}>${e.to}`} d={e.path} className={`edge edge-from-${byId.get(e.from)?.status ?? 'waiting'}${pathEdges.has(`${e.from}>${e.to}`) ? ' edge-critical' : ''}`} />
          ))}
        </g>
        {layout.nodes.map((n) => {
          const t = byId.get(n.id);
          if (!t) return null;
          const title = t.title.length > TITLE_CHARS ? `${t.title.slice(0, TITLE_CHARS - 1)}…` : t.title;
          return (
            <g
              key={n.id}
              className={`node${n.id === selectedId ? ' node-selected' : ''}${onPath.has(n.id) ? ' node-critical' : ''}`}
              data-critical={onPath.has(n.id) || undefined}
              transform={`translate(${n.x},${n.y})`}
              data-testid="task-node"
              data-task-id={t.id}
              data-status={t.status}
              role="button"
              tabIndex={0}
              aria-label={`Task ${t.id}: ${t.title} (${t.status})`}
              aria-pressed={n.id === selectedId}
              onClick={() => onSelect(t.id)}
              onKeyDown={(e) => {
                if (e.key === 'Enter' || e.key === ' ') {
                  e.preventDefault();
                  onSelect(t.id);
                }
              }}
            >
              <title>{`${t.id}: ${t.title}`}</title>
              <rect width={NODE_WIDTH} height={NODE_HEIGHT} rx={6} className={`node-box status-fill-${t.status}`} />
              <text x={TEXT_INSET} y={TITLE_BASELINE} className="node-title">{title}</text>
              <text x={TEXT_INSET} y={SUBTITLE_BASELINE} className="node-sub">{`${t.id} · ${t.status}${t.agent ? ` · ${t.agent}` : ''}`}</text>
            </g>
          );
        })}
      </svg>
    </div>
  );
}

/** The tasks' shape back from its key (ids and ids never hold `<`, `,` or `;`). */
function parseShape(key: string): { id: string; after: string[] }[] {
  if (key === '') return [];
  return key.split(';').map((part) => {
    const [id = '', after = ''] = part.split('<');
    return { id, after: after === '' ? [] : after.split(',') };
  });
}

export function StatusLegend() {
  return (
    <ul className="legend" aria-label="Status colours">
      {STATUS_ORDER.map((s) => (
        <li key={s}><span className={`swatch status-fill-${s}`} />{s}</li>
      ))}
    </ul>
  );
}
