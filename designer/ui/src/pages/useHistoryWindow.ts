// The transitions an instance page shows, however long its history: the latest page first, older pages when
// asked for, and the new ones as the instance moves on. History rows never change once written, so what was
// loaded is kept; only when more arrived at once than a page holds does it start again from the latest.
// (GET /api/instances/{id}/history: oldest first, `offset` is the seq after which to read — seqs run 1, 2, …
// without a gap; newest first, `order=desc` and `before` a seq; `total` is how many transitions the instance
// made; docs/api.md § Instances.)
import { useCallback, useEffect, useRef, useState } from "react";
import { historyBefore, instanceHistory } from "../api/instances";
import type { HistoryEntry } from "../api/types";

/** Transitions read at a time: the API's largest page. */
export const HISTORY_PAGE = 500;

export interface HistoryWindow {
  /** The transitions loaded, oldest first: the latest `entries.length` of `total`. */
  entries: HistoryEntry[];
  total: number;
  /** Whether the first page has come. */
  loaded: boolean;
  /** How many transitions come before the first one loaded. */
  older: number;
  loadingOlder: boolean;
  error: string | null;
  loadOlder: () => void;
}

interface Loaded {
  instanceId: string;
  entries: HistoryEntry[];
  total: number;
}

/** `changed`: anything that moves when the instance does (its `updated_at`): the new transitions are read then. */
export function useHistoryWindow(instanceId: string, changed: unknown): HistoryWindow {
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const current = useRef<Loaded | null>(null);
  current.current = loaded?.instanceId === instanceId ? loaded : null;
  // Bumped when what is shown starts again (another instance, a jump to the latest): older pages asked for
  // before then are not added to it.
  const generation = useRef(0);

  useEffect(() => {
    let cancelled = false;
    const known = current.current;
    const after = known?.entries.at(-1)?.seq ?? 0;
    // The transitions after the last one shown; at first, or when more came than a page holds, the latest page.
    const read = async (): Promise<{ items: HistoryEntry[]; total: number; again: boolean }> => {
      if (known) {
        const newer = await instanceHistory(instanceId, HISTORY_PAGE, after);
        if (newer.total - after <= HISTORY_PAGE) return { items: newer.items, total: newer.total, again: false };
      }
      const latest = await historyBefore(instanceId, HISTORY_PAGE);
      return { items: latest.items, total: latest.total, again: true };
    };
    read()
      .then(({ items, total, again }) => {
        if (cancelled) return;
        if (again) generation.current += 1;
        setLoaded((was) => {
          if (again || !was || was.instanceId !== instanceId) return { instanceId, entries: items, total };
          const last = was.entries.at(-1)?.seq ?? 0; // older pages may have come meanwhile: add after what is there
          return { instanceId, entries: [...was.entries, ...items.filter((e) => e.seq > last)], total: Math.max(total, was.total) };
        });
        setError(null);
      })
      .catch((e: unknown) => {
        if (!cancelled) setError(e instanceof Error ? e.message : String(e));
      });
    return () => {
      cancelled = true;
    };
  }, [instanceId, changed]);

  const loadOlder = useCallback(() => {
    const known = current.current;
    const first = known?.entries[0]?.seq;
    if (!known || first === undefined || first <= 1) return;
    const mine = generation.current;
    setLoadingOlder(true);
    historyBefore(instanceId, HISTORY_PAGE, first)
      .then((page) => {
        if (mine !== generation.current) return;
        setLoaded((was) =>
          was && was.instanceId === instanceId && was.entries[0]?.seq === first
            ? { ...was, entries: [...page.items.filter((e) => e.seq < first), ...was.entries] }
            : was,
        );
        setError(null);
      })
      .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)))
      .finally(() => setLoadingOlder(false));
  }, [instanceId]);

  const shown = loaded?.instanceId === instanceId ? loaded : null;
  const entries = shown?.entries ?? [];
  return {
    entries,
    total: shown?.total ?? 0,
    loaded: shown !== null,
    older: entries.length ? entries[0]!.seq - 1 : 0,
    loadingOlder,
    error,
    loadOlder,
  };
}
