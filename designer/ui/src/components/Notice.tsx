// Messages the person should read: a server error in words, a success, a hint. Errors are announced.
import type { ReactNode } from "react";

export default function Notice({ kind, children, testId, onClose, className }: { kind: "error" | "ok" | "info"; children: ReactNode; testId?: string; onClose?: () => void; className?: string }) {
  return (
    <div className={`notice notice-${kind}${className ? ` ${className}` : ""}`} role={kind === "error" ? "alert" : "status"} data-testid={testId}>
      <div className="notice-body">{children}</div>
      {onClose && (
        <button type="button" className="icon-button" aria-label="Dismiss" onClick={onClose}>
          ✕
        </button>
      )}
    </div>
  );
}
