// Live validation: the server checks the workflow a moment after each change (debounced), and only the
// answer for the newest content is kept.
import { useEffect, useRef, useState } from "react";
import { validateDefinition } from "../api/checks";
import type { Finding } from "../model/findings";
import type { Workflow } from "../model/workflow";

const DEBOUNCE_MS = 300;

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
  }, [workflow]);
  return state;
}
