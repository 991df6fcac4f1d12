// Unsaved work is not lost silently: closing the tab and navigating inside the app both ask first.
import { useEffect } from "react";
import { setNavigationGuard } from "../app/router";

export const UNSAVED_MESSAGE = "This workflow has unsaved changes. Leave and lose them?";

export function useUnsavedWarning(dirty: boolean): void {
  useEffect(() => {
    if (!dirty) return;
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      event.preventDefault();
      event.returnValue = UNSAVED_MESSAGE;
    };
    window.addEventListener("beforeunload", onBeforeUnload);
    setNavigationGuard(() => UNSAVED_MESSAGE);
    return () => {
      window.removeEventListener("beforeunload", onBeforeUnload);
      setNavigationGuard(null);
    };
  }, [dirty]);
}
