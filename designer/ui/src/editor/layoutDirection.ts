// Which way the canvas lays flows out — top to bottom or left to right — a preference of the person,
// remembered in this browser and shared by every canvas on the page.
import { useSyncExternalStore } from "react";

export type Direction = "TB" | "LR";

const KEY = "statewright.layoutDirection";
const listeners = new Set<() => void>();
let current: Direction = read();

function read(): Direction {
  try {
    return window.localStorage.getItem(KEY) === "LR" ? "LR" : "TB";
  } catch {
    return "TB";
  }
}

export function layoutDirection(): Direction {
  return current;
}

export function setLayoutDirection(next: Direction): void {
  if (next === current) return;
  current = next;
  try {
    window.localStorage.setItem(KEY, next);
  } catch {
    // Private windows may refuse storage: the choice then lasts for this page only.
  }
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useLayoutDirection(): Direction {
  return useSyncExternalStore(subscribe, layoutDirection);
}
