// Live pages: the server's change notices (server-sent events from GET /api/stream) call the pages back, so
// what they show follows the instances and approvals without a Refresh, and an open draft hears at once that it
// was saved elsewhere (editor/useDraftWatch.ts). One EventSource serves the whole app.
// When it cannot connect (a proxy that buffers, the server gone), the pages are called back every few
// seconds instead — polling only as the fallback.
import { useEffect, useRef } from "react";

export type ChangeKind = "instances" | "approvals" | "publications" | "drafts";
type Listener = (kinds: ChangeKind[]) => void;

const FALLBACK_POLL_MS = 4000;
const ALL: ChangeKind[] = ["instances", "approvals", "publications", "drafts"];
const listeners = new Set<Listener>();
let source: EventSource | null = null;
let fallback: number | null = null;

function notify(kinds: ChangeKind[]) {
  listeners.forEach((listener) => listener(kinds));
}

function startFallback() {
  if (fallback === null) fallback = window.setInterval(() => notify(ALL), FALLBACK_POLL_MS);
  document.documentElement.dataset.live = "polling";
}

function stopFallback() {
  if (fallback !== null) window.clearInterval(fallback);
  fallback = null;
}

function connect() {
  if (source || typeof EventSource === "undefined") {
    if (!source) startFallback();
    return;
  }
  source = new EventSource("/api/stream", { withCredentials: true });
  source.addEventListener("ready", () => {
    stopFallback();
    document.documentElement.dataset.live = "stream";
  });
  source.addEventListener("change", (event) => {
    try {
      const { kinds } = JSON.parse((event as MessageEvent<string>).data) as { kinds: ChangeKind[] };
      notify(kinds);
    } catch {
      notify(ALL);
    }
  });
  // The browser reconnects by itself; meanwhile the pages poll.
  source.onerror = () => startFallback();
}

function disconnect() {
  source?.close();
  source = null;
  stopFallback();
}

/** Call `onChange` whenever one of `kinds` changes on the server (for as long as the component is mounted), and
 * when the person comes back to the page (the tab shown again, the window focused): a browser may pause a tab in
 * the background, and what changed meanwhile — a request decided in another tab — must show before they act on it. */
export function useLiveChanges(kinds: readonly ChangeKind[], onChange: () => void): void {
  const latest = useRef(onChange);
  latest.current = onChange;
  const key = kinds.join(",");
  useEffect(() => {
    const listener: Listener = (changed) => {
      if (changed.some((k) => kinds.includes(k))) latest.current();
    };
    const back = () => {
      if (document.visibilityState === "visible") latest.current();
    };
    listeners.add(listener);
    connect();
    document.addEventListener("visibilitychange", back);
    window.addEventListener("focus", back);
    return () => {
      listeners.delete(listener);
      document.removeEventListener("visibilitychange", back);
      window.removeEventListener("focus", back);
      if (listeners.size === 0) disconnect();
    };
  }, [key]);
}
