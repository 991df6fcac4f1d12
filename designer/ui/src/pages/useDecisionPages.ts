// My decisions, newest first, however many there are: the newest page first, and "Show more" reads the page
// after the last decision shown — a place in the list (`before`), not an offset, so decisions taken meanwhile
// neither repeat a row nor hide one. A change (a decision taken here or in another tab) adds the decisions taken
// since above those shown, the pages already read staying as they are.
import { useCallback, useEffect, useRef, useState } from "react";
import { myDecisions } from "../api/approvals";
import type { Decision } from "../api/types";

export const DECISIONS_PAGE = 100;
/** Pages of newer decisions a refresh reads to reach the newest one shown; past them it starts over. */
const CATCH_UP_PAGES = 5;

interface Shown {
  items: Decision[]; // newest first
  total: number | null; // all my decisions; null until the first page is in
}

export interface DecisionPages extends Shown {
  error: string | null;
  loadingMore: boolean;
  /** Read the page after the last decision shown. */
  showMore: () => void;
  /** Add the decisions taken since the newest shown (the first page, when none is shown yet). */
  refresh: () => void;
}

/** A decision's identity: one per approval and actor. */
export const key = (d: Decision) => `${d.approval_id}/${d.actor}`;
const same = (a: Decision, b: Decision) => key(a) === key(b);
const words = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** The decisions taken since `head`, newest first, and the total; `reached` false when `head` was not found
 * within CATCH_UP_PAGES pages (or none is shown): then `items` is the first page, to start over from. */
async function newerThan(head: Decision | undefined): Promise<Shown & { reached: boolean }> {
  const newer: Decision[] = [];
  let first: Shown | null = null;
  for (let page = 0; page < CATCH_UP_PAGES; page += 1) {
    const got = await myDecisions(DECISIONS_PAGE, newer.at(-1)?.approval_id);
    first ??= { items: got.items, total: got.total };
    const at = head ? got.items.findIndex((d) => same(d, head)) : -1;
    if (at >= 0) return { items: [...newer, ...got.items.slice(0, at)], total: got.total, reached: true };
    newer.push(...got.items);
    if (!head || got.items.length < DECISIONS_PAGE) break;
  }
  return { ...(first ?? { items: [], total: 0 }), reached: false };
}

export function useDecisionPages(): DecisionPages {
  const [shown, setShown] = useState<Shown>({ items: [], total: null });
  const [error, setError] = useState<string | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  // What is shown, as the last answer left it (the state lags a render behind): each answer is judged against it.
  const current = useRef<Shown>(shown);
  const put = (next: Shown) => {
    current.current = next;
    setShown(next);
  };
  // One refresh at a time, so that each starts from what the one before added; asked meanwhile, it runs again.
  const refreshing = useRef(false);
  const again = useRef(false);

  const refresh = useCallback(() => {
    if (refreshing.current) {
      again.current = true;
      return;
    }
    refreshing.current = true;
    void (async () => {
      do {
        again.current = false;
        const head = current.current.items[0];
        try {
          const found = await newerThan(head);
          const now = current.current;
          const onTop = found.reached && now.items[0] === head;
          put(onTop ? { items: [...found.items, ...now.items], total: found.total } : { items: found.items, total: found.total });
          setError(null);
        } catch (e) {
          setError(words(e));
        }
      } while (again.current);
      refreshing.current = false;
    })();
  }, []);

  const showMore = useCallback(() => {
    const last = current.current.items.at(-1);
    if (!last) return;
    setLoadingMore(true);
    myDecisions(DECISIONS_PAGE, last.approval_id)
      .then((page) => {
        const now = current.current;
        if (now.items.at(-1) !== last) return; // started over meanwhile: this page follows nothing shown
        const had = new Set(now.items.map(key));
        put({ items: [...now.items, ...page.items.filter((d) => !had.has(key(d)))], total: page.total });
        setError(null);
      })
      .catch((e: unknown) => setError(words(e)))
      .finally(() => setLoadingMore(false));
  }, []);

  useEffect(refresh, [refresh]);
  return { ...shown, error, loadingMore, showMore, refresh };
}
