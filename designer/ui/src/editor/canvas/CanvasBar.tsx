// Over the canvas' top-left corner: find a state by its id or title and jump to it, and turn the layout's
// direction (top to bottom, left to right).
import { useId, useMemo, useState, type FormEvent } from "react";
import type { Workflow } from "../../model/workflow";
import { setLayoutDirection, type Direction } from "../layoutDirection";

export interface CanvasBarProps {
  workflow: Workflow;
  direction: Direction;
  onJump: (stateId: string) => void;
}

/** The state a search names: its id or title exactly, else the first whose id or title contains it. */
export function findState(workflow: Workflow, text: string): string | null {
  const wanted = text.trim().toLowerCase();
  if (!wanted) return null;
  const entries = Object.entries(workflow.states);
  const exact = entries.find(([id, s]) => id.toLowerCase() === wanted || (s.title ?? "").toLowerCase() === wanted);
  if (exact) return exact[0];
  const partial = entries.find(([id, s]) => id.toLowerCase().includes(wanted) || (s.title ?? "").toLowerCase().includes(wanted));
  return partial ? partial[0] : null;
}

export default function CanvasBar({ workflow, direction, onJump }: CanvasBarProps) {
  const listId = useId();
  const [text, setText] = useState("");
  const [missing, setMissing] = useState(false);
  const options = useMemo(
    () => Object.entries(workflow.states).map(([id, s]) => ({ id, label: s.title && s.title !== id ? `${s.title} (${id})` : id })),
    [workflow.states],
  );
  const jump = (value: string) => {
    // A pick from the list arrives as "Title (id)": take the id.
    const picked = options.find((o) => o.label === value)?.id;
    const found = picked ?? findState(workflow, value);
    setMissing(found === null);
    if (found) onJump(found);
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    jump(text);
  };
  const choose = (next: Direction) => setLayoutDirection(next);
  return (
    <div className="canvas-bar" data-testid="canvas-bar">
      <form role="search" onSubmit={submit} className="canvas-search">
        <input
          type="search"
          list={listId}
          value={text}
          placeholder="Find a state…"
          aria-label="Find a state by id or title"
          aria-invalid={missing || undefined}
          data-testid="canvas-search"
          onChange={(e) => {
            setText(e.target.value);
            setMissing(false);
            if (options.some((o) => o.label === e.target.value)) jump(e.target.value);
          }}
        />
        <datalist id={listId}>
          {options.map((o) => (
            <option key={o.id} value={o.label} />
          ))}
        </datalist>
        {missing && (
          <span className="canvas-search-missing" role="status" data-testid="canvas-search-missing">
            no such state
          </span>
        )}
      </form>
      <div className="canvas-direction" role="group" aria-label="Layout direction">
        <button type="button" aria-pressed={direction === "TB"} data-testid="direction-tb" title="Lay the flow out top to bottom" onClick={() => choose("TB")}>
          ↓ Top-down
        </button>
        <button type="button" aria-pressed={direction === "LR"} data-testid="direction-lr" title="Lay the flow out left to right" onClick={() => choose("LR")}>
          → Left-right
        </button>
      </div>
    </div>
  );
}
