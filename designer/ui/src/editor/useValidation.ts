// Live validation: the server checks the workflow a moment after each change (debounced), and only the
// answer for the newest content is kept. When the server cannot be asked, it is asked again by itself — every
// few seconds, and at once when the window gets the focus back or the browser is online again — so the
// "unavailable" note goes once the server answers, without waiting for the next edit.
import { useEffect, useRef, useState } from "react";
import { validateDefinition } from "../api/checks";
import type { Finding } from "../model/findings";
import type { Workflow } from "../model/workflow";

const DEBOUNCE_MS = 300;
const RETRY_MS = 5000;

export interface ValidationState {
  findings: Finding[];
  /** True from a change until its findings arrive. */
  pending: boolean;
  /** When the server could not be asked (network, server error), in words. */
  error: string | null;
  /** The workflow the findings describe. */
  checked: Workflow | null;
}

export function useValidation(workflow: Workflow): ValidationState {
  const [state, setState] = useState<ValidationState>({ findings: [], pending: true, error: null, checked: null });
  const sequence = useRef(0);
  /** Bumped to ask again for the same workflow, after the server could not be asked. */
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    const ticket = ++sequence.current;
    setState((s) => (s.pending ? s : { ...s, pending: true }));
    const timer = window.setTimeout(() => {
      validateDefinition(workflow)
        .then((report) => {
          if (ticket === sequence.current) setState({ findings: report.findings, pending: false, error: null, checked: workflow });
        })
        .catch((error: unknown) => {
          if (ticket === sequence.current) {
            setState((s) => ({ ...s, pending: false, error: error instanceof Error ? error.message : String(error) }));
          }
        });
    }, DEBOUNCE_MS);
    return () => window.clearTimeout(timer);
  }, [workflow, attempt]);
  const failed = state.error !== null;
  useEffect(() => {
    if (!failed) return;
    const again = () => setAttempt((n) => n + 1);
    const every = window.setInterval(again, RETRY_MS);
    window.addEventListener("focus", again);
    window.addEventListener("online", again);
    return () => {
      window.clearInterval(every);
      window.removeEventListener("focus", again);
      window.removeEventListener("online", again);
    };
  }, [failed]);
  return state;
}
