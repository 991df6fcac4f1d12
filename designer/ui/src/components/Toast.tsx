// A word that something went well ("Draft saved (revision 6).", "Published (event 2): this instance took it and
// moved on."): shown for a few seconds in a place of its own that covers no content and adds no height to the
// page, then faded out. It stays while the pointer is on it or it has the focus (time to read it), and ✕ closes it
// at once. Errors are never toasts: they stay until dealt with (Notice).
import { useCallback, useEffect, useRef, useState, type ReactNode } from "react";

/** How long a toast is shown before it fades, and how long the fade takes (styles.css, .toast-leaving). */
export const TOAST_MS = 6_000;
const FADE_MS = 600;

export interface ToastProps {
  kind?: "ok" | "info";
  children: ReactNode;
  testId?: string;
  /** Gone: faded out, or closed. */
  onDone: () => void;
  className?: string;
}

export default function Toast({ kind = "ok", children, testId, onDone, className }: ToastProps) {
  const [leaving, setLeaving] = useState(false);
  const timer = useRef<number | undefined>(undefined);
  const done = useRef(onDone);
  done.current = onDone;
  const wait = useCallback(() => {
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => {
      setLeaving(true);
      timer.current = window.setTimeout(() => done.current(), FADE_MS);
    }, TOAST_MS);
  }, []);
  const hold = useCallback(() => {
    window.clearTimeout(timer.current);
    setLeaving(false);
  }, []);
  useEffect(() => {
    wait();
    return () => window.clearTimeout(timer.current);
  }, [wait]);
  return (
    <div
      className={`notice notice-${kind} toast${leaving ? " toast-leaving" : ""}${className ? ` ${className}` : ""}`}
      role="status"
      data-testid={testId}
      onMouseEnter={hold}
      onMouseLeave={wait}
      onFocus={hold}
      onBlur={wait}
    >
      <div className="notice-body" title={typeof children === "string" ? children : undefined}>
        {children}
      </div>
      <button type="button" className="icon-button" aria-label="Dismiss" onClick={() => done.current()}>
        ✕
      </button>
    </div>
  );
}
