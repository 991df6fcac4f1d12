// Inspector inputs. Each reports a new value on every change (the editor folds keystrokes into one undo
// step); empty means "absent" so the JSON stays as small as a person would write it.
import { useEffect, useId, useState } from "react";
import Field from "./Field";

interface Common {
  label: string;
  hint?: string;
  testId: string;
  disabled?: boolean;
  problems?: readonly string[];
}

export function TextInput(props: Common & { value: string | null | undefined; onChange: (value: string | null) => void; placeholder?: string; list?: string; monospace?: boolean; onFocus?: () => void }) {
  const id = useId();
  return (
    <Field id={id} label={props.label} hint={props.hint} problems={props.problems}>
      <input
        id={id}
        type="text"
        className={props.monospace ? "mono" : undefined}
        value={props.value ?? ""}
        placeholder={props.placeholder}
        list={props.list}
        disabled={props.disabled}
        data-testid={props.testId}
        aria-invalid={props.problems?.length ? true : undefined}
        onFocus={props.onFocus}
        onChange={(e) => props.onChange(e.target.value === "" ? null : e.target.value)}
      />
    </Field>
  );
}

export function TextArea(props: Common & { value: string | null | undefined; onChange: (value: string | null) => void; rows?: number; monospace?: boolean; placeholder?: string }) {
  const id = useId();
  return (
    <Field id={id} label={props.label} hint={props.hint} problems={props.problems}>
      <textarea
        id={id}
        rows={props.rows ?? 3}
        className={props.monospace ? "mono" : undefined}
        value={props.value ?? ""}
        placeholder={props.placeholder}
        disabled={props.disabled}
        data-testid={props.testId}
        aria-invalid={props.problems?.length ? true : undefined}
        onChange={(e) => props.onChange(e.target.value === "" ? null : e.target.value)}
      />
    </Field>
  );
}

/** A number; the text is kept while it is not a number yet ("1." or "-"), the value only when it is. */
export function NumberInput(props: Common & { value: number | null | undefined; onChange: (value: number | null) => void; min?: number; max?: number; step?: number; integer?: boolean }) {
  const id = useId();
  const [text, setText] = useState(props.value == null ? "" : String(props.value));
  useEffect(() => {
    if (props.value == null ? text.trim() !== "" && !Number.isNaN(Number(text)) : Number(text) !== props.value) {
      setText(props.value == null ? "" : String(props.value));
    }
    // The field follows outside changes (undo, JSON edits) but not its own partial text.
  }, [props.value]);
  const parsed = text.trim() === "" ? null : Number(text);
  // Infinity ("1e999") is no number a definition can hold: JSON writes it as null, so it would vanish on save.
  const bad = parsed !== null && (!Number.isFinite(parsed) || (props.integer && !Number.isInteger(parsed)));
  const problems = [...(props.problems ?? []), ...(bad ? [props.integer ? "Enter a whole number." : "Enter a number."] : [])];
  return (
    <Field id={id} label={props.label} hint={props.hint} problems={problems}>
      <input
        id={id}
        type="text"
        inputMode="decimal"
        value={text}
        disabled={props.disabled}
        data-testid={props.testId}
        aria-invalid={problems.length ? true : undefined}
        onChange={(e) => {
          setText(e.target.value);
          const value = e.target.value.trim() === "" ? null : Number(e.target.value);
          if (value === null || (Number.isFinite(value) && (!props.integer || Number.isInteger(value)))) props.onChange(value);
        }}
      />
    </Field>
  );
}

export function SelectInput<T extends string>(props: Common & { value: T | null | undefined; options: readonly { value: T; label: string }[]; onChange: (value: T | null) => void; allowEmpty?: string }) {
  const id = useId();
  return (
    <Field id={id} label={props.label} hint={props.hint} problems={props.problems}>
      <select
        id={id}
        value={props.value ?? ""}
        disabled={props.disabled}
        data-testid={props.testId}
        onChange={(e) => props.onChange(e.target.value === "" ? null : (e.target.value as T))}
      >
        {props.allowEmpty !== undefined && <option value="">{props.allowEmpty}</option>}
        {props.value && !props.options.some((o) => o.value === props.value) && <option value={props.value}>{props.value}</option>}
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </Field>
  );
}

export function CheckboxInput(props: Common & { checked: boolean; onChange: (checked: boolean) => void }) {
  const id = useId();
  return (
    <div className="field field-checkbox">
      <input
        id={id}
        type="checkbox"
        checked={props.checked}
        disabled={props.disabled}
        data-testid={props.testId}
        onChange={(e) => props.onChange(e.target.checked)}
      />
      <label htmlFor={id}>{props.label}</label>
      {props.hint && <div className="field-hint">{props.hint}</div>}
    </div>
  );
}

/** A list of short names typed as "a, b, c". */
export function NameListInput(props: Common & { value: readonly string[] | undefined; onChange: (value: string[]) => void; placeholder?: string }) {
  const id = useId();
  const joined = (props.value ?? []).join(", ");
  const [text, setText] = useState(joined);
  useEffect(() => {
    if (splitNames(text).join(", ") !== joined) setText(joined);
  }, [joined]);
  return (
    <Field id={id} label={props.label} hint={props.hint ?? "Separate names with commas."} problems={props.problems}>
      <input
        id={id}
        type="text"
        value={text}
        placeholder={props.placeholder}
        disabled={props.disabled}
        data-testid={props.testId}
        onChange={(e) => {
          setText(e.target.value);
          props.onChange(splitNames(e.target.value));
        }}
      />
    </Field>
  );
}

function splitNames(text: string): string[] {
  return text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}
