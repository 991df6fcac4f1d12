// Whether the draft open in this editor was saved meanwhile from somewhere else — another tab or window, or
// someone else — so the editor can say so before the person goes on editing a version that is no longer the
// saved one (and before their saved change, saved over elsewhere, is lost without a word). The change notices of
// the live stream name instances, approvals and publications, not drafts: the draft's revision is asked for
// every few seconds while the page is shown, and at once when the person comes back to it.
import { useEffect, useRef } from "react";
import { getDraft } from "../api/definitions";
import type { Draft } from "../api/types";

const EVERY_MS = 5000;

/**
 * Call `onNewer` with the draft as saved whenever its revision is past `known()` (the revision this editor last
 * saved or loaded). `busy()` true (a Save of this editor under way) skips a look: its own new revision is not
 * news. Each newer revision is reported once.
 */
export function useDraftWatch(draftId: string, known: () => number, busy: () => boolean, onNewer: (draft: Draft) => void): void {
  const latest = useRef({ known, busy, onNewer });
  latest.current = { known, busy, onNewer };
  useEffect(() => {
    let reported = 0;
    let asking = false;
    const look = async () => {
      if (asking || document.visibilityState !== "visible" || latest.current.busy()) return;
      asking = true;
      try {
        const saved = await getDraft(draftId);
        const { known: knownNow, busy: busyNow, onNewer: tell } = latest.current;
        if (saved.revision > knownNow() && saved.revision > reported && !busyNow()) {
          reported = saved.revision;
          tell(saved);
        }
      } catch {
        // Not there any more, or the server not answering: Save says so when it is pressed.
      } finally {
        asking = false;
      }
    };
    const timer = window.setInterval(() => void look(), EVERY_MS);
    const back = () => void look();
    document.addEventListener("visibilitychange", back);
    window.addEventListener("focus", back);
    return () => {
      window.clearInterval(timer);
      document.removeEventListener("visibilitychange", back);
      window.removeEventListener("focus", back);
    };
  }, [draftId]);
}
