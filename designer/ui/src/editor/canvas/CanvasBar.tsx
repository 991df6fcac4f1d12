// Over the canvas' top-left corner: find a state by its id or title and jump to it, and turn the layout's
// direction (top to bottom, left to right). In the draft editor the search reaches every state of the
// document, inside parallel branches and map iterators too; one found elsewhere is opened where it is.
import { useId, useMemo, useState, type FormEvent } from "react";
import { describeScope, everyState, ROOT, sameScope, type Scope } from "../../model/scope";
import type { Workflow } from "../../model/workflow";
import { setLayoutDirection, type Direction } from "../layoutDirection";

/** A state the search can name: its id in its machine, the machine's scope, and how the list shows it. */
export interface SearchTarget {
  id: string;
  scope: Scope;
  title: string;
  label: string;
}

export interface CanvasBarProps {
  targets: readonly SearchTarget[];
  direction: Direction;
  onJump: (target: SearchTarget) => void;
}

/** What the search reaches: the states of the machine on the canvas first, then (given the whole document
 * and where the canvas is in it) every other state of the document, each labelled with where it is. */
export function searchTargets(machine: Workflow, everywhere?: { root: Workflow; scope: Scope }): SearchTarget[] {
  const here = everywhere?.scope ?? ROOT;
  const plain = (id: string, title: string) => (title && title !== id ? `${title} (${id})` : id);
  const targets: SearchTarget[] = Object.entries(machine.states).map(([id, s]) => ({ id, scope: here, title: s.title ?? "", label: plain(id, s.title ?? "") }));
  if (!everywhere) return targets;
  for (const placed of everyState(everywhere.root)) {
    if (sameScope(placed.scope, here)) continue;
    const where = placed.scope.length === 0 ? "top level" : describeScope(everywhere.root, placed.scope);
    const title = placed.state.title ?? "";
    targets.push({ id: placed.id, scope: placed.scope, title, label: `${plain(placed.id, title)} — in ${where}` });
  }
  return targets;
}

/** The state a search names: its id or title exactly, else the first whose id or title contains it (the
 * machine on the canvas is searched before the rest, as the targets come in that order). */
export function findState(targets: readonly SearchTarget[], text: string): SearchTarget | null {
  const wanted = text.trim().toLowerCase();
  if (!wanted) return null;
  const exact = targets.find((t) => t.id.toLowerCase() === wanted || t.title.toLowerCase() === wanted);
  if (exact) return exact;
  return targets.find((t) => t.id.toLowerCase().includes(wanted) || t.title.toLowerCase().includes(wanted)) ?? null;
}

export default function CanvasBar({ targets, direction, onJump }: CanvasBarProps) {
  const listId = useId();
  const [text, setText] = useState("");
  const [missing, setMissing] = useState(false);
  const options = useMemo(() => targets.map((t, i) => ({ key: `${i}`, label: t.label, target: t })), [targets]);
  const jump = (value: string) => {
    // A pick from the list arrives as its label ("Title (id) — in review › legal"): take that state.
    const picked = options.find((o) => o.label === value)?.target;
    const found = picked ?? findState(targets, value);
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
            <option key={o.key} value={o.label} />
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
