// Above the canvas, in a strip of its own (never over a state): find a state by its id or title and jump to
// it, and turn the layout's direction (top to bottom, left to right). In the draft editor the search reaches
// every state of the document, inside parallel branches and map iterators too; one found elsewhere is opened
// where it is. The query and its matches stay after a jump — Enter (or ▼) goes on to the next match,
// Shift+Enter (▲) back, the list under the box (↓, or a click in the box) picks any of them — until Escape or ✕
// empties the box.
import { useEffect, useId, useMemo, useRef, useState, type CSSProperties, type KeyboardEvent } from "react";
import { describeScope, everyState, ROOT, sameScope, scopePointer, type Scope } from "../../model/scope";
import type { Workflow } from "../../model/workflow";
import { setLayoutDirection, type Direction } from "../layoutDirection";

/** A state the search can name: its id in its machine, the machine's scope, and how the list shows it. */
export interface SearchTarget {
  id: string;
  scope: Scope;
  title: string;
  label: string;
}

/** What is in the search box, and the match last jumped to (kept by the editor across canvases, so a jump into
 * a branch — a new canvas — keeps the query; `refocus`: the box had the focus when it jumped, so the new
 * canvas' box takes it). */
export interface SearchQuery {
  text: string;
  current: string | null;
  refocus?: boolean;
}

export const EMPTY_QUERY: SearchQuery = { text: "", current: null };
/** The note that the drawing is tangled: amber, as a warning is in the Problems panel. */
const TANGLE_NOTE: CSSProperties = { display: "inline-flex", alignItems: "center", gap: 6, padding: "1px 4px 1px 8px", borderRadius: 4, background: "#fff3e0", border: "1px solid #ffb74d", color: "#6d3a00" };
const TANGLE_BUTTON: CSSProperties = { padding: "1px 8px", fontSize: 12 };
/** The list shows this many matches at most; more are counted, and narrowed by typing more. */
const LISTED = 60;

export interface CanvasBarProps {
  targets: readonly SearchTarget[];
  direction: Direction;
  onJump: (target: SearchTarget) => void;
  /** The query, when the page keeps it beyond this canvas (else the bar keeps its own). */
  query?: SearchQuery;
  onQuery?: (query: SearchQuery) => void;
  /** The machine on the canvas (a new search prefers its states). */
  here?: Scope;
  /** A link past the diagram for keyboard users (to the inspector, say): the id of the element it focuses. */
  skipTo?: { targetId: string; label: string };
  /** The person turned the layout's direction (the canvas lays the flow out again); by default only the
   * preference changes. */
  onDirection?: (direction: Direction) => void;
  /** A quiet note at the bar's end: the names are drawn too small to read at this zoom. */
  smallText?: boolean;
  /** The drawing is tangled (tangles.ts), said in `text`: the bar offers Auto-layout (`onTidy`), or to keep the
   * drawing as it is (`onKeep`). */
  tangle?: { text: string; onTidy: () => void; onKeep: () => void } | undefined;
}

/** What the search reaches, in the document's order: the states of the machine on the canvas, and (given the
 * whole document and where the canvas is in it) every other state of the document, labelled with where it is. */
export function searchTargets(machine: Workflow, everywhere?: { root: Workflow; scope: Scope }): SearchTarget[] {
  const here = everywhere?.scope ?? ROOT;
  const plain = (id: string, title: string) => (title && title !== id ? `${title} (${id})` : id);
  if (!everywhere) return Object.entries(machine.states).map(([id, s]) => ({ id, scope: here, title: s.title ?? "", label: plain(id, s.title ?? "") }));
  return everyState(everywhere.root).map((placed) => {
    const title = placed.state.title ?? "";
    if (sameScope(placed.scope, here)) return { id: placed.id, scope: here, title, label: plain(placed.id, title) };
    const where = placed.scope.length === 0 ? "top level" : describeScope(everywhere.root, placed.scope);
    return { id: placed.id, scope: placed.scope, title, label: `${plain(placed.id, title)} — in ${where}` };
  });
}

export const targetKey = (t: SearchTarget) => `${scopePointer(t.scope)}#${t.id}`;

/** How well a state answers the text (lower first): its id or title exactly, then one starting with the text,
 * then one containing it; null when neither contains it. */
function rankOf(target: SearchTarget, wanted: string): number | null {
  const names = [target.id.toLowerCase(), target.title.toLowerCase()];
  if (names.includes(wanted)) return 0;
  if (names.some((name) => name.startsWith(wanted))) return 1;
  if (names.some((name) => name.includes(wanted))) return 2;
  return null;
}

/** The states whose id or title contains the text (any case): the exact ones first, then those starting with
 * it, then the rest, each kind in the targets' order (so "review" lists `review` before `review_docs`). */
export function matchesOf(targets: readonly SearchTarget[], text: string): SearchTarget[] {
  const wanted = text.trim().toLowerCase();
  if (!wanted) return [];
  const ranked: { target: SearchTarget; rank: number }[] = [];
  for (const target of targets) {
    const rank = rankOf(target, wanted);
    if (rank !== null) ranked.push({ target, rank });
  }
  // Array.prototype.sort is stable: within a rank the targets keep the document's order.
  return ranked.sort((a, b) => a.rank - b.rank).map(({ target }) => target);
}

/** The first state a new search goes to: the best match (exact, then prefix, then substring), one on the
 * canvas shown before one elsewhere of the same rank. */
export function findState(targets: readonly SearchTarget[], text: string, here: Scope = ROOT): SearchTarget | null {
  const wanted = text.trim().toLowerCase();
  const matches = matchesOf(targets, text);
  const best = matches[0] ? rankOf(matches[0], wanted) : null;
  const first = matches.filter((t) => rankOf(t, wanted) === best);
  return first.find((t) => sameScope(t.scope, here)) ?? first[0] ?? null;
}

export default function CanvasBar(props: CanvasBarProps) {
  const { targets, direction, onJump, query: kept, onQuery, here = ROOT, skipTo, onDirection = setLayoutDirection, smallText = false, tangle } = props;
  const listId = useId();
  const input = useRef<HTMLInputElement>(null);
  const [own, setOwn] = useState<SearchQuery>(EMPTY_QUERY);
  const query = kept ?? own;
  const setQuery = onQuery ?? setOwn;
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const matches = useMemo(() => matchesOf(targets, query.text), [targets, query.text]);
  const listed = matches.slice(0, LISTED);
  const at = query.current === null ? -1 : matches.findIndex((t) => targetKey(t) === query.current);

  // A jump from the box into another machine draws a new canvas, and this bar with it: the box keeps the focus.
  useEffect(() => {
    if (query.refocus) input.current?.focus();
  }, []);

  const jump = (target: SearchTarget) => {
    setQuery({ text: query.text, current: targetKey(target), refocus: document.activeElement === input.current });
    setOpen(false);
    setActive(-1);
    onJump(target);
  };
  const step = (by: 1 | -1) => {
    if (matches.length === 0) return;
    if (at < 0) {
      const first = by === 1 ? findState(targets, query.text, here) : null;
      jump(first ?? matches[matches.length - 1]!);
    } else {
      jump(matches[(at + by + matches.length) % matches.length]!);
    }
  };
  const clear = () => {
    setQuery(EMPTY_QUERY);
    setOpen(false);
    setActive(-1);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === "Enter") {
      event.preventDefault();
      if (open && active >= 0 && listed[active]) jump(listed[active]);
      else step(event.shiftKey ? -1 : 1);
    } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (listed.length === 0) return;
      const down = event.key === "ArrowDown";
      if (!open) {
        setOpen(true);
        setActive(at >= 0 && at < listed.length ? at : down ? 0 : listed.length - 1);
      } else {
        setActive((i) => Math.min(listed.length - 1, Math.max(0, i + (down ? 1 : -1))));
      }
    } else if (event.key === "Escape") {
      event.preventDefault();
      if (open) setOpen(false);
      else clear();
    }
  };
  const activeId = open && active >= 0 ? `${listId}-${active}` : undefined;
  useEffect(() => {
    if (activeId) document.getElementById(activeId)?.scrollIntoView({ block: "nearest" });
  }, [activeId]);

  const missing = query.text.trim() !== "" && matches.length === 0;
  const count = matches.length === 0 ? "" : at >= 0 ? `${at + 1} of ${matches.length}` : `${matches.length} found`;
  const choose = (next: Direction) => next !== direction && onDirection(next);
  return (
    <div className="canvas-bar" data-testid="canvas-bar">
      <div role="search" className="canvas-search">
        <div className="canvas-search-box">
          <input
            ref={input}
            type="search"
            role="combobox"
            value={query.text}
            placeholder="Find a state…"
            aria-label="Find a state by id or title"
            aria-invalid={missing || undefined}
            aria-expanded={open && listed.length > 0}
            aria-controls={listId}
            aria-autocomplete="list"
            aria-activedescendant={activeId}
            autoComplete="off"
            data-testid="canvas-search"
            onChange={(e) => {
              setQuery({ text: e.target.value, current: null });
              setOpen(e.target.value.trim() !== "");
              setActive(-1);
            }}
            onClick={() => query.text.trim() && setOpen(true)}
            onKeyDown={onKeyDown}
            onBlur={() => {
              setOpen(false);
              if (query.refocus) setQuery({ ...query, refocus: false });
            }}
          />
          {open && listed.length > 0 && (
            <ul id={listId} role="listbox" aria-label="Matching states" className="canvas-search-list" data-testid="canvas-search-list">
              {listed.map((t, i) => (
                <li
                  key={targetKey(t)}
                  id={`${listId}-${i}`}
                  role="option"
                  aria-selected={i === active}
                  className={targetKey(t) === query.current ? "current" : undefined}
                  data-testid="canvas-search-option"
                  data-state={t.id}
                  onMouseDown={(e) => e.preventDefault()}
                  onClick={() => jump(t)}
                >
                  {t.label}
                </li>
              ))}
              {matches.length > listed.length && <li className="muted small" aria-disabled="true">{matches.length - listed.length} more: type more to narrow the list</li>}
            </ul>
          )}
        </div>
        {missing ? (
          <span className="canvas-search-missing" role="status" data-testid="canvas-search-missing">
            no such state
          </span>
        ) : (
          <span className="canvas-search-count muted" role="status" data-testid="canvas-search-count">
            {count}
          </span>
        )}
        {matches.length > 1 && (
          <span className="canvas-search-steps">
            <button type="button" aria-label="Previous match (Shift+Enter)" title="Previous match (Shift+Enter)" data-testid="canvas-search-previous" onClick={() => step(-1)}>
              ▲
            </button>
            <button type="button" aria-label="Next match (Enter)" title="Next match (Enter)" data-testid="canvas-search-next" onClick={() => step(1)}>
              ▼
            </button>
          </span>
        )}
        {skipTo && (
          <a
            className="skip-inline"
            href={`#${skipTo.targetId}`}
            data-testid="skip-diagram"
            onClick={(e) => {
              e.preventDefault();
              document.getElementById(skipTo.targetId)?.focus();
            }}
          >
            {skipTo.label}
          </a>
        )}
      </div>
      <div className="canvas-direction" role="group" aria-label="Layout direction">
        <button type="button" aria-pressed={direction === "TB"} data-testid="direction-tb" title="Lay the flow out top to bottom" onClick={() => choose("TB")}>
          ↓ Top-down
        </button>
        <button type="button" aria-pressed={direction === "LR"} data-testid="direction-lr" title="Lay the flow out left to right" onClick={() => choose("LR")}>
          → Left-right
        </button>
      </div>
      <span
        className="canvas-small-text muted"
        role="status"
        data-testid="canvas-small-text"
        title={smallText ? "Fit view shows the whole flow, however small. Zoom in with + or the mouse wheel, move the minimap's frame, or find a state by its name." : undefined}
      >
        {smallText ? "Too small to read: zoom in, or find a state" : ""}
      </span>
      {tangle && (
        <span role="status" data-testid="canvas-tangled" style={TANGLE_NOTE}>
          <span>{tangle.text}</span>
          <button type="button" data-testid="canvas-tidy" title="Lay the flow out again, its transitions routed round the states (Undo takes it back)" style={TANGLE_BUTTON} onClick={tangle.onTidy}>
            Auto-layout
          </button>
          <button type="button" data-testid="canvas-keep-drawing" aria-label="Keep the drawing as it is" title="Keep the drawing as it is" style={TANGLE_BUTTON} onClick={tangle.onKeep}>
            ✕
          </button>
        </span>
      )}
    </div>
  );
}
