// Whether the draft open in this editor was saved meanwhile from somewhere else — another tab or window, or
// someone else — so the editor can say so before the person goes on editing a version that is no longer the
// saved one (and before their saved change, saved over elsewhere, is lost without a word). The live stream's
// change notices name `drafts` when any draft is saved, created or deleted: the draft's revision is asked for at
// once then, and when the person comes back to the page. While the stream is down, the live pages' fallback poll
// (every few seconds, api/live.ts) asks instead. A draft no longer there — published (which removes it) or
// deleted — is reported too, once, so the editor can say so before the person goes on editing it in vain.
import { useCallback, useRef } from "react";
import { getDraft } from "../api/definitions";
import { ApiError } from "../api/http";
import { useLiveChanges } from "../api/live";
import type { Draft } from "../api/types";

const DRAFTS = ["drafts"] as const;

/**
 * Call `onNewer` with the draft as saved whenever its revision is past `known()` (the revision this editor last
 * saved or loaded). `busy()` true (a Save of this editor under way) skips a look: its own new revision is not
 * news. Each newer revision is reported once; so is the draft found gone (`onGone`, after which it is not asked for
 * again) — unless `onGone` answers false (this editor is publishing it: its going is no news), when a later look
 * reports it again. Returns a look to ask for at once (after such a publication was given up).
 */
export function useDraftWatch(
  draftId: string,
  known: () => number,
  busy: () => boolean,
  onNewer: (draft: Draft) => void,
  onGone: () => boolean = () => true,
): () => void {
  const latest = useRef({ draftId, known, busy, onNewer, onGone });
  latest.current = { draftId, known, busy, onNewer, onGone };
  /** The highest revision reported of the draft watched; a look under way; a notice that came during it; the draft
   * found gone (reported). */
  const watch = useRef({ draftId, reported: 0, asking: false, again: false, gone: false });
  if (watch.current.draftId !== draftId) watch.current = { draftId, reported: 0, asking: false, again: false, gone: false };
  const look = useCallback(async () => {
    const current = watch.current;
    if (current.asking) {
      current.again = true; // saved once more while the answer was on its way: ask again after it
      return;
    }
    if (current.gone || document.visibilityState !== "visible" || latest.current.busy()) return;
    current.asking = true;
    try {
      const saved = await getDraft(current.draftId);
      const { draftId: watched, known: knownNow, busy: busyNow, onNewer: tell } = latest.current;
      if (watched === current.draftId && saved.revision > knownNow() && saved.revision > current.reported && !busyNow()) {
        current.reported = saved.revision;
        tell(saved);
      }
    } catch (e) {
      // Not there any more: published or deleted — said at once. The server not answering: Save says so when pressed.
      if (e instanceof ApiError && e.status === 404 && latest.current.draftId === current.draftId) {
        current.gone = latest.current.onGone();
      }
    } finally {
      current.asking = false;
      if (current.again) {
        current.again = false;
        void look();
      }
    }
  }, []);
  useLiveChanges(DRAFTS, () => void look());
  return useCallback(() => void look(), [look]);
}
