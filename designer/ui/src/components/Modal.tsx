// A dialog over the page, for the keyboard as much as the mouse: it takes the focus when it opens (the
// control marked data-autofocus, else the dialog itself, whose heading names it), keeps Tab and Shift+Tab
// inside it, closes on Escape and on a click beside it (when it may be closed at all), and gives the focus
// back to where it was — the button that opened it — when it goes.
import { useEffect, useRef, type ReactNode } from "react";

const FOCUSABLE = [
  "a[href]",
  "button:not([disabled])",
  "input:not([disabled]):not([type='hidden'])",
  "select:not([disabled])",
  "textarea:not([disabled])",
  "summary",
  "[tabindex]:not([tabindex='-1'])",
].join(",");

export interface ModalProps {
  /** The id of the heading that names the dialog. */
  labelledBy: string;
  testId: string;
  /** Escape or a click beside the dialog; without it the dialog stays until it is answered. */
  onClose?: () => void;
  className?: string;
  children: ReactNode;
}

/** The controls Tab can reach inside the dialog, in order (those shown only). */
function focusables(dialog: HTMLElement): HTMLElement[] {
  return [...dialog.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((e) => e.getClientRects().length > 0);
}

export default function Modal({ labelledBy, testId, onClose, className, children }: ModalProps) {
  const dialog = useRef<HTMLDivElement>(null);
  const close = useRef(onClose);
  close.current = onClose;

  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const box = dialog.current;
    if (!box) return;
    (box.querySelector<HTMLElement>("[data-autofocus]:not([disabled])") ?? box).focus();
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape" && close.current) {
        event.preventDefault();
        event.stopPropagation();
        close.current();
      } else if (event.key === "Tab") {
        const inside = focusables(box);
        if (inside.length === 0) {
          event.preventDefault();
          box.focus();
          return;
        }
        const first = inside[0]!;
        const last = inside[inside.length - 1]!;
        const at = document.activeElement;
        const outside = !(at instanceof Node) || !box.contains(at);
        if (event.shiftKey && (outside || at === first || at === box)) {
          event.preventDefault();
          last.focus();
        } else if (!event.shiftKey && (outside || at === last)) {
          event.preventDefault();
          first.focus();
        }
      }
    };
    // Capture: the dialog answers Escape before the page under it does (the editor's own Escape, say).
    document.addEventListener("keydown", onKey, true);
    return () => {
      document.removeEventListener("keydown", onKey, true);
      if (opener?.isConnected) opener.focus();
    };
  }, []);

  return (
    <div className="modal-backdrop" onClick={() => close.current?.()}>
      <div
        ref={dialog}
        className={`modal${className ? ` ${className}` : ""}`}
        role="dialog"
        aria-modal="true"
        aria-labelledby={labelledBy}
        tabIndex={-1}
        data-testid={testId}
        onClick={(e) => e.stopPropagation()}
      >
        {children}
      </div>
    </div>
  );
}
