// The labelled row every inspector field sits in: a label bound to its control, a hint, and messages.
import type { ReactNode } from "react";

export interface FieldProps {
  id: string;
  label: string;
  hint?: string;
  problems?: readonly string[];
  children: ReactNode;
}

export default function Field({ id, label, hint, problems = [], children }: FieldProps) {
  return (
    <div className={`field${problems.length ? " field-invalid" : ""}`}>
      <label htmlFor={id}>{label}</label>
      {children}
      {hint && <div className="field-hint">{hint}</div>}
      {problems.map((p) => (
        <div key={p} className="field-problem" role="alert" data-testid={`${id}-problem`}>
          {p}
        </div>
      ))}
    </div>
  );
}
