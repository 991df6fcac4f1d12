// "Fit" that keeps the drawing readable: the whole flow when it fits at a zoom where state names are
// still legible, otherwise that minimum zoom, showing the part around the initial state. Room is kept
// for the controls drawn over the canvas (the search and direction bar, the zoom buttons, the minimap),
// so at fit no state hides under them.
import type { Position } from "../../model/workflow";

/** State names are 12.5 px at zoom 1 (a 15.6 px line): at 0.6 they stay 9 px or more on screen. */
export const MIN_READABLE_ZOOM = 0.6;
export const MAX_FIT_ZOOM = 1.1;
export const FIT_EVENT = "statewright:fit-canvas";

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Insets {
  top: number;
  right: number;
  bottom: number;
  left: number;
}

export interface Viewport {
  x: number;
  y: number;
  zoom: number;
}

/** The viewport showing `bounds` (flow coordinates) in a pane of `pane` pixels, outside `insets`. */
export function readableViewport(bounds: Rect, pane: { width: number; height: number }, insets: Insets, focus: Position | null): Viewport {
  const room = { width: Math.max(1, pane.width - insets.left - insets.right), height: Math.max(1, pane.height - insets.top - insets.bottom) };
  const fitting = Math.min(room.width / Math.max(1, bounds.width), room.height / Math.max(1, bounds.height));
  const zoom = Math.max(MIN_READABLE_ZOOM, Math.min(MAX_FIT_ZOOM, fitting));
  const axis = (start: number, size: number, inset: number, space: number, at: number | undefined): number => {
    const drawn = size * zoom;
    if (drawn <= space) return inset + (space - drawn) / 2 - start * zoom;
    // Too big for the room: centre on the focus (the initial state), but never past the drawing's edges.
    const centred = inset + space / 2 - (at ?? start) * zoom;
    return Math.min(inset - start * zoom, Math.max(inset + space - (start + size) * zoom, centred));
  };
  return {
    x: axis(bounds.x, bounds.width, insets.left, room.width, focus?.x),
    y: axis(bounds.y, bounds.height, insets.top, room.height, focus?.y),
    zoom,
  };
}

/** Ask the canvas on the page to fit itself readably (the toolbar's Fit view, after an auto-layout). */
export function requestReadableFit(): void {
  window.dispatchEvent(new Event(FIT_EVENT));
}
