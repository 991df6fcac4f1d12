// A map of names to CEL expressions (input mappings, assignments, results, approval requests): one row
// per entry, editable in place, with a row to add another. Problems from the server are shown per key.
import { useId, useState } from "react";

export interface ExpressionMapInputProps {
  label: string;
  hint?: string;
  testId: string;
  value: Record<string, string> | undefined;
  disabled?: boolean;
  keyPlaceholder?: string;
  valuePlaceholder?: string;
  /** Messages by key (from validation findings whose pointer ends in that key). */
  problems?: ReadonlyMap<string, string[]>;
  onChange: (value: Record<string, string>) => void;
}

export default function ExpressionMapInput(props: ExpressionMapInputProps) {
  const { value = {}, disabled, testId, onChange } = props;
  const headingId = useId();
  const [newKey, setNewKey] = useState("");
  const [newValue, setNewValue] = useState("");
  const entries = Object.entries(value);

  const setEntry = (index: number, key: string, expression: string) => {
    const next: Record<string, string> = {};
    entries.forEach(([k, v], i) => {
      if (i === index) next[key] = expression;
      else next[k] = v;
    });
    onChange(next);
  };
  const remove = (index: number) => onChange(Object.fromEntries(entries.filter((_, i) => i !== index)));
  const add = () => {
    const key = newKey.trim();
    if (!key || key in value) return;
    onChange({ ...value, [key]: newValue.trim() || "null" });
    setNewKey("");
    setNewValue("");
  };

  return (
    <fieldset className="field expression-map" data-testid={testId} aria-labelledby={headingId}>
      <legend id={headingId}>{props.label}</legend>
      {props.hint && <div className="field-hint">{props.hint}</div>}
      {entries.map(([key, expression], index) => (
        <div className="expression-row" key={index}>
          <input
            aria-label={`${props.label}: name ${index + 1}`}
            className="mono key"
            value={key}
            disabled={disabled}
            data-testid={`${testId}-key-${index}`}
            onChange={(e) => setEntry(index, e.target.value, expression)}
          />
          <span aria-hidden="true">=</span>
          <input
            aria-label={`${props.label}: expression for ${key}`}
            className="mono"
            value={expression}
            disabled={disabled}
            data-testid={`${testId}-value-${index}`}
            onChange={(e) => setEntry(index, key, e.target.value)}
          />
          <button type="button" className="icon-button" disabled={disabled} onClick={() => remove(index)} aria-label={`Remove ${key}`}>
            ✕
          </button>
          {(props.problems?.get(key) ?? []).map((p) => (
            <div key={p} className="field-problem row-problem" role="alert">
              {p}
            </div>
          ))}
        </div>
      ))}
      {!disabled && (
        <div className="expression-row expression-row-new">
          <input
            aria-label={`${props.label}: new name`}
            className="mono key"
            placeholder={props.keyPlaceholder ?? "name"}
            value={newKey}
            data-testid={`${testId}-new-key`}
            onChange={(e) => setNewKey(e.target.value)}
            onKeyDown={(e) => e.key === "Enter" && add()}
          />
          <span aria-hidden="true">=</span>
          <input
            aria-label={`${props.label}: new expression`}
            className="mono"
            placeholder={props.valuePlaceholder ?? "CEL expression"}
            value={newValue}
            data-testid={`${testId}-new-value`}
            onChange={(e) => setNewValue(e.target.value)}
            onKeyDown={(e) => e.key === "Enter" && add()}
          />
          <button type="button" className="icon-button" onClick={add} disabled={!newKey.trim() || newKey.trim() in value} data-testid={`${testId}-add`} aria-label={`Add to ${props.label}`}>
            +
          </button>
        </div>
      )}
    </fieldset>
  );
}
