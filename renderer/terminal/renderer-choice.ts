/**
 * Which xterm renderer a pane gets. WebGL is fastest on a desktop GPU; without one (CI's
 * headless Chromium) it is slower than the DOM renderer or fails, so `?renderer=dom` forces DOM,
 * and a pane whose WebGL context fails or is lost falls back to DOM by itself.
 */

export const RENDERER_PARAM = 'renderer';
export const DOM_RENDERER = 'dom';
/**
 * Panes given WebGL at once. Chromium keeps a limited number of live WebGL contexts per page
 * (about 16) and silently drops the oldest beyond that; past this budget panes use DOM.
 */
export const MAX_WEBGL_PANES = 8;

let webglPanes = 0;

export function domForced(search: string): boolean {
  return new URLSearchParams(search).get(RENDERER_PARAM) === DOM_RENDERER;
}

/** Takes one WebGL slot if one is free; give it back with `releaseWebgl`. */
export function claimWebgl(): boolean {
  if (domForced(window.location.search) || webglPanes >= MAX_WEBGL_PANES) return false;
  webglPanes++;
  return true;
}

export function releaseWebgl(): void {
  webglPanes = Math.max(0, webglPanes - 1);
}
