// Two fits. The first view of a flow is readable first: the whole flow when it fits at a zoom where state
// names are still legible, otherwise as large as its narrow side fits (at least that legible zoom, at most a
// comfortable one), showing the part around the initial state. "Fit view", asked for, shows the whole flow
// however small (as Stately Studio and Camunda Modeler do), and the canvas then says the names are too small
// to read. Room is kept for the controls drawn over the canvas (the zoom buttons, the minimap), so at fit no
// state hides under them.
import type { Position } from "../../model/workflow";

/** State names are 12.5 px at zoom 1 (a 15.6 px line): at 0.6 they stay 9 px or more on screen. */
export const MIN_READABLE_ZOOM = 0.6;
export const MAX_FIT_ZOOM = 1.1;
/** A flow too big to fit is shown at most this size: state names about 11 px, several rows of states in view. */
const COMFORTABLE_ZOOM = 0.85;
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
  const room = roomOf(pane, insets);
  const across = room.width / Math.max(1, bounds.width);
  const down = room.height / Math.max(1, bounds.height);
  const fitting = Math.min(across, down);
  if (fitting >= MIN_READABLE_ZOOM) return viewportAt(bounds, pane, insets, focus, Math.min(MAX_FIT_ZOOM, fitting));
  // Too big to show whole at a legible size: as large as its narrow side allows (a tall flow as wide as the
  // view, read by scrolling down), up to a comfortable size — not the least legible one with the view's sides
  // left empty on a wide screen.
  return viewportAt(bounds, pane, insets, focus, Math.max(MIN_READABLE_ZOOM, Math.min(COMFORTABLE_ZOOM, Math.max(across, down))));
}

/**
 * The first view of a flow opened on some of its states, most wanted first (an instance's monitor: where it is,
 * then the states it came through): the whole flow when it fits legibly (as `readableViewport`), else as many of
 * `targets` as fit together at a legible zoom — the first always, then each next one while they still fit with
 * `gap` px around them — at the zoom a first view has, or smaller (down to the legible zoom) to fit them.
 */
export function framedViewport(bounds: Rect, pane: { width: number; height: number }, insets: Insets, targets: Rect[], gap: number): Viewport {
  const first = targets[0];
  const room = roomOf(pane, insets);
  const across = room.width / Math.max(1, bounds.width);
  const down = room.height / Math.max(1, bounds.height);
  if (!first || Math.min(across, down) >= MIN_READABLE_ZOOM) return readableViewport(bounds, pane, insets, first ? centreOf(first) : null);
  let framed = first;
  for (const next of targets.slice(1)) {
    const together = unionOf(framed, next);
    if (zoomToFrame(together, pane, insets, gap, 0, Infinity) < MIN_READABLE_ZOOM) break;
    framed = together;
  }
  const usual = Math.max(MIN_READABLE_ZOOM, Math.min(COMFORTABLE_ZOOM, Math.max(across, down)));
  const zoom = Math.min(usual, zoomToFrame(framed, pane, insets, gap, MIN_READABLE_ZOOM, MAX_FIT_ZOOM));
  return viewportAt(bounds, pane, insets, centreOf(framed), zoom);
}

function centreOf(rect: Rect): Position {
  return { x: rect.x + rect.width / 2, y: rect.y + rect.height / 2 };
}

function unionOf(a: Rect, b: Rect): Rect {
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return { x, y, width: Math.max(a.x + a.width, b.x + b.width) - x, height: Math.max(a.y + a.height, b.y + b.height) - y };
}

/** The viewport showing the whole of `bounds`, centred, however small (down to `minZoom`, React Flow's own
 * least), never larger than MAX_FIT_ZOOM. */
export function wholeViewport(bounds: Rect, pane: { width: number; height: number }, insets: Insets, minZoom: number): Viewport {
  const room = roomOf(pane, insets);
  const fitting = Math.min(room.width / Math.max(1, bounds.width), room.height / Math.max(1, bounds.height));
  return viewportAt(bounds, pane, insets, null, Math.max(minZoom, Math.min(MAX_FIT_ZOOM, fitting)));
}

/**
 * The viewport at `zoom` showing the drawing `bounds` outside `insets`: the whole drawing centred when it fits,
 * else centred on `focus` (the initial state, an instance's state, a state jumped to) but never past the
 * drawing's edges, so no empty canvas shows beside a focus near one.
 */
export function viewportAt(bounds: Rect, pane: { width: number; height: number }, insets: Insets, focus: Position | null, zoom: number): Viewport {
  const room = roomOf(pane, insets);
  const axis = (start: number, size: number, inset: number, space: number, at: number | undefined): number => {
    const drawn = size * zoom;
    if (drawn <= space) return inset + (space - drawn) / 2 - start * zoom;
    const centred = inset + space / 2 - (at ?? start) * zoom;
    return Math.min(inset - start * zoom, Math.max(inset + space - (start + size) * zoom, centred));
  };
  return {
    x: axis(bounds.x, bounds.width, insets.left, room.width, focus?.x),
    y: axis(bounds.y, bounds.height, insets.top, room.height, focus?.y),
    zoom,
  };
}

/** The zoom (between `min` and `max`) at which `target` fits the room outside `insets`, `gap` px around it. */
export function zoomToFrame(target: Rect, pane: { width: number; height: number }, insets: Insets, gap: number, min: number, max: number): number {
  const room = roomOf(pane, insets);
  const fitting = Math.min((room.width - 2 * gap) / Math.max(1, target.width), (room.height - 2 * gap) / Math.max(1, target.height));
  return Math.max(min, Math.min(max, fitting));
}

function roomOf(pane: { width: number; height: number }, insets: Insets): { width: number; height: number } {
  return { width: Math.max(1, pane.width - insets.left - insets.right), height: Math.max(1, pane.height - insets.top - insets.bottom) };
}

/** Ask the canvas on the page to fit itself readably (after an auto-layout); with `keep`, only when that
 * state is not in the clear part of the view, and then keeping it in view (a state just added). */
export function requestReadableFit(keep?: string): void {
  window.dispatchEvent(new CustomEvent<FitRequest>(FIT_EVENT, { detail: { keep } }));
}

/** Ask the canvas on the page to show the whole flow (the toolbar's Fit view). */
export function requestWholeFit(): void {
  window.dispatchEvent(new CustomEvent<FitRequest>(FIT_EVENT, { detail: { whole: true } }));
}

export interface FitRequest {
  keep?: string;
  /** The whole flow, however small (Fit view), not the readable first view. */
  whole?: boolean;
}

/** Whether a box (screen px, relative to the pane) lies in the pane's clear part, outside the insets. */
export function inClearView(box: Rect, pane: { width: number; height: number }, insets: Insets): boolean {
  return box.x >= insets.left && box.y >= insets.top && box.x + box.width <= pane.width - insets.right && box.y + box.height <= pane.height - insets.bottom;
}
