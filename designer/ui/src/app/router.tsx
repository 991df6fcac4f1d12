// A small router over the History API: the paths the server answers with index.html (docs/api.md § Static
// UI), links that stay in the page, and a guard that asks before leaving unsaved work.
import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from "react";

type Guard = () => string | null;

let guard: Guard | null = null;
const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  window.addEventListener("popstate", listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener("popstate", listener);
  };
}

function currentLocation(): string {
  return window.location.pathname + window.location.search;
}

export function useLocation(): { path: string; search: URLSearchParams } {
  const location = useSyncExternalStore(subscribe, currentLocation);
  const [path, query = ""] = location.split("?");
  return { path: path ?? "/", search: new URLSearchParams(query) };
}

/** While set, navigating away asks the person to confirm with the guard's message. */
export function setNavigationGuard(next: Guard | null): void {
  guard = next;
}

export function navigate(to: string, options: { replace?: boolean; force?: boolean } = {}): boolean {
  if (!options.force && guard) {
    const message = guard();
    if (message && !window.confirm(message)) return false;
  }
  if (to === currentLocation()) return true;
  if (options.replace) window.history.replaceState(null, "", to);
  else window.history.pushState(null, "", to);
  listeners.forEach((l) => l());
  // A new page starts at its top: the window's, and the shell's scrolling main area (a list's next page too).
  window.scrollTo(0, 0);
  document.getElementById("main")?.scrollTo(0, 0);
  return true;
}

export function Link({ to, onClick, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement> & { to: string }) {
  const follow = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(to);
  };
  return <a href={to} onClick={follow} {...rest} />;
}

/** Match `/drafts/:id` against a path: the named segments, or null. */
export function matchPath(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split("/").filter(Boolean);
  const have = path.split("/").filter(Boolean);
  if (want.length !== have.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i += 1) {
    const w = want[i]!;
    const h = have[i]!;
    if (w.startsWith(":")) params[w.slice(1)] = decodeURIComponent(h);
    else if (w !== h) return null;
  }
  return params;
}
