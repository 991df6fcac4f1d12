// Keyboard shortcuts of the editor. Inside text fields the browser's own editing keys win (Ctrl+Z undoes
// typing there), except Ctrl+S, which always saves.
import { useEffect, useRef } from "react";

export interface ShortcutHandlers {
  undo: () => void;
  redo: () => void;
  remove: () => void;
  copy: () => boolean;
  paste: () => boolean;
  pasteText: (text: string) => void;
  save: () => void;
  selectAll: () => void;
  escape: () => void;
}

function inTextField(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName);
}

export function useShortcuts(handlers: ShortcutHandlers, enabled: boolean): void {
  const ref = useRef(handlers);
  ref.current = handlers;
  useEffect(() => {
    if (!enabled) return;
    const onKey = (event: KeyboardEvent) => {
      const h = ref.current;
      const mod = event.ctrlKey || event.metaKey;
      const key = event.key.toLowerCase();
      if (mod && key === "s") {
        event.preventDefault();
        h.save();
        return;
      }
      if (inTextField(event.target)) return;
      if (mod && key === "z") {
        event.preventDefault();
        if (event.shiftKey) h.redo();
        else h.undo();
      } else if (mod && key === "y") {
        event.preventDefault();
        h.redo();
      } else if (mod && key === "c") {
        if (h.copy()) event.preventDefault();
      } else if (mod && key === "v") {
        // Our own clipboard first; when it is empty, the browser's paste event brings another tab's copy.
        if (h.paste()) event.preventDefault();
      } else if (mod && key === "a") {
        event.preventDefault();
        h.selectAll();
      } else if (!mod && (event.key === "Delete" || event.key === "Backspace")) {
        event.preventDefault();
        h.remove();
      } else if (event.key === "Escape") {
        h.escape();
      }
    };
    const onPaste = (event: ClipboardEvent) => {
      if (inTextField(event.target)) return;
      const text = event.clipboardData?.getData("text/plain");
      if (text) {
        event.preventDefault();
        ref.current.pasteText(text);
      }
    };
    window.addEventListener("keydown", onKey);
    document.addEventListener("paste", onPaste);
    return () => {
      window.removeEventListener("keydown", onKey);
      document.removeEventListener("paste", onPaste);
    };
  }, [enabled]);
}
