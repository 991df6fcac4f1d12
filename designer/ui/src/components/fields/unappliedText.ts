// Text typed into a field that is not applied yet (JSON that does not parse, or not of the right shape).
// A form that saves what its fields hold (the draft editor) provides `UnappliedTextContext`: each field
// inside it reports its unapplied text, so the form counts that text as unsaved and does not claim to
// have saved it.
import { createContext, useContext, useEffect } from "react";

export interface UnappliedText {
  /** The field's label, to say which one to fix. */
  label: string;
  problem: string;
}

/** Told, under a field's own key, what it holds that is not applied (null: nothing, or it is gone). */
export type ReportUnapplied = (key: string, text: UnappliedText | null) => void;

export const UnappliedTextContext = createContext<ReportUnapplied | null>(null);

/** Report this field's problem (or none) to the form around it, and none once the field is gone. */
export function useReportUnapplied(key: string, label: string, problem: string | null): void {
  const report = useContext(UnappliedTextContext);
  useEffect(() => {
    if (!report || problem === null) return;
    report(key, { label, problem });
    return () => report(key, null);
  }, [report, key, label, problem]);
}
