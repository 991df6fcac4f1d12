// Under a task's action, when its handler was registered with an input schema: the inputs it takes in plain
// words — name, type, required or optional, the schema's description — each required one the task's input
// mapping does not give yet marked, and "Add missing inputs" to add those to the mapping as one edit (Undo takes
// it back), the focus then in the first one added, to check or replace its expression.
import { useEffect, useId, useRef, useState } from "react";
import { actionInputs, inputsNotTaken, missingInputs, withMissingInputs, type ActionInput } from "./actionInputs";
import "./actionInputs.css";

export interface ActionInputsProps {
  action: string;
  /** The JSON Schema the action's handler was registered with for its input. */
  schema: Record<string, unknown>;
  /** The task's input mapping (key → CEL expression). */
  input: Readonly<Record<string, string>> | undefined;
  /** The problems validation found per key of the input mapping (shown at its rows, below). */
  problemsByKey: ReadonlyMap<string, readonly string[]>;
  disabled: boolean;
  /** Record the input mapping with the missing keys added. */
  onAdd: (input: Record<string, string>) => void;
}

export default function ActionInputs({ action, schema, input, problemsByKey, disabled, onAdd }: ActionInputsProps) {
  const headingId = useId();
  const box = useRef<HTMLDivElement>(null);
  const [focusKey, setFocusKey] = useState<string | null>(null);
  const inputs = actionInputs(schema, input);
  const missing = missingInputs(schema, input);
  const notTaken = inputsNotTaken(schema, input);

  // Once the mapping shows the keys just added, the first of them takes the focus (the button is gone by then).
  useEffect(() => {
    if (focusKey === null) return;
    const index = Object.keys(input ?? {}).indexOf(focusKey);
    if (index < 0) return;
    setFocusKey(null);
    const row = box.current?.closest("[data-testid='state-inspector']")?.querySelector<HTMLInputElement>(`[data-testid='field-input-value-${index}']`);
    row?.focus();
    row?.select();
  }, [focusKey, input]);

  const add = () => {
    if (missing.length === 0) return;
    setFocusKey(missing[0]!);
    onAdd(withMissingInputs(input, missing));
  };

  return (
    <div className="field action-inputs" role="group" aria-labelledby={headingId} data-testid="action-inputs" ref={box}>
      <div className="action-inputs-heading" id={headingId}>
        Inputs <code>{action}</code> takes
      </div>
      {inputs.length === 0 ? (
        <p className="field-hint">Its input schema names no inputs.</p>
      ) : (
        <ul className="action-inputs-list">
          {inputs.map((item) => (
            <InputRow key={item.name} item={item} flagged={item.given && (problemsByKey.get(item.name)?.length ?? 0) > 0} />
          ))}
        </ul>
      )}
      {notTaken.length > 0 && (
        <p className="field-problem" data-testid="action-inputs-not-taken">
          It takes no {listed(notTaken)}: remove {notTaken.length === 1 ? "it" : "them"} from the input mapping.
        </p>
      )}
      {missing.length === 0 ? (
        inputs.some((i) => i.required) && (
          <p className="field-hint action-inputs-complete" data-testid="action-inputs-complete">
            ✓ The input mapping gives every required input.
          </p>
        )
      ) : (
        <div className="action-inputs-add">
          {!disabled && (
            <button type="button" data-testid="add-missing-inputs" onClick={add}>
              Add missing inputs
            </button>
          )}
          <span className="field-hint" data-testid="action-inputs-missing">
            {missing.length === 1 ? "1 required input is" : `${missing.length} required inputs are`} not given yet
            {disabled ? "." : `. Adds ${listed(missing)}, each reading the context value of that name; where the flow has none, its row below says so.`}
          </span>
        </div>
      )}
    </div>
  );
}

function InputRow({ item, flagged }: { item: ActionInput; flagged: boolean }) {
  const status = item.given ? (flagged ? "flagged" : "given") : item.required ? "missing" : "optional";
  return (
    <li className={`action-input action-input-${status}`} data-testid={`action-input-${item.name}`} data-status={status}>
      <span className="action-input-line">
        <code className="action-input-name">{item.name}</code>
        <span className="action-input-type">{item.type}</span>
        <span className="action-input-need">{item.required ? "required" : "optional"}</span>
        {status === "missing" && <span className="action-input-status">✗ not given yet</span>}
        {status === "given" && <span className="action-input-status">✓ given</span>}
        {status === "flagged" && <span className="action-input-status">⚠ given, see below</span>}
      </span>
      {item.description && <span className="action-input-description">{item.description}</span>}
    </li>
  );
}

/** `'a'`, `'a' and 'b'`, `'a', 'b' and 'c'`. */
function listed(keys: readonly string[]): string {
  const quoted = keys.map((k) => `'${k}'`);
  return quoted.length > 1 ? `${quoted.slice(0, -1).join(", ")} and ${quoted[quoted.length - 1]}` : (quoted[0] ?? "");
}
