// Whether the draft open in this editor was saved meanwhile from somewhere else — another tab or window, or
// someone else — so the editor can say so before the person goes on editing a version that is no longer the
// saved one (and before their saved change, saved over elsewhere, is lost without a word). The live stream's
// change notices name `drafts` when any draft is saved, created or deleted: the draft's revision is asked for at
// once then, and when the person comes back to the page. While the stream is down, the live pages' fallback poll
// (every few seconds, api/live.ts) asks instead.
import { useCallback, useRef } from "react";
import { getDraft } from "../api/definitions";
import { useLiveChanges } from "../api/live";
import type { Draft } from "../api/types";

const DRAFTS = ["drafts"] as const;

/**
 * Call `onNewer` with the draft as saved whenever its revision is past `known()` (the revision this editor last
 * saved or loaded). `busy()` true (a Save of this editor under way) skips a look: its own new revision is not
 * news. Each newer revision is reported once.
 */
export function useDraftWatch(draftId: string, known: () => number, busy: () => boolean, onNewer: (draft: Draft) => void): void {
  const latest = useRef({ draftId, known, busy, onNewer });
  latest.current = { draftId, known, busy, onNewer };
  /** The highest revision reported of the draft watched; a look under way; a notice that came during it. */
  const watch = useRef({ draftId, reported: 0, asking: false, again: false });
  if (watch.current.draftId !== draftId) watch.current = { draftId, reported: 0, asking: false, again: false };
  const look = useCallback(async () => {
    const current = watch.current;
    if (current.asking) {
      current.again = true; // saved once more while the answer was on its way: ask again after it
      return;
    }
    if (document.visibilityState !== "visible" || latest.current.busy()) return;
    current.asking = true;
    try {
      const saved = await getDraft(current.draftId);
      const { draftId: watched, known: knownNow, busy: busyNow, onNewer: tell } = latest.current;
      if (watched === current.draftId && saved.revision > knownNow() && saved.revision > current.reported && !busyNow()) {
        current.reported = saved.revision;
        tell(saved);
      }
    } catch {
      // Not there any more, or the server not answering: Save says so when it is pressed.
    } finally {
      current.asking = false;
      if (current.again) {
        current.again = false;
        void look();
      }
    }
  }, []);
  useLiveChanges(DRAFTS, () => void look());
}
