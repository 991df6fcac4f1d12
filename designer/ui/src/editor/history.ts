// The editor's document with its undo history. Every change is a new immutable workflow; undo and redo
// move between them. Rapid edits of one field (typing in the inspector) share one history entry. The scope
// is the machine being edited (the workflow, or a parallel state's branch); the selection lies in it.
import { existingScope, machineAt, ROOT, sameScope, type Scope } from "../model/scope";
import type { Workflow } from "../model/workflow";
import type { Selection } from "./selection";
import { NOTHING } from "./selection";

const LIMIT = 200;
const COALESCE_MS = 1200;

export interface EditorState {
  past: Workflow[];
  present: Workflow;
  future: Workflow[];
  scope: Scope;
  selection: Selection;
  /** The key and time of the last commit, so a burst of edits to the same field becomes one step. */
  lastKey: string | null;
  lastAt: number;
}

export type EditorAction =
  | { type: "commit"; workflow: Workflow; selection?: Selection; coalesce?: string; at: number }
  | { type: "undo" }
  | { type: "redo" }
  | { type: "select"; selection: Selection }
  | { type: "open"; scope: Scope; selection: Selection }
  | { type: "reset"; workflow: Workflow };

export function initialEditorState(workflow: Workflow): EditorState {
  return { past: [], present: workflow, future: [], scope: ROOT, selection: NOTHING, lastKey: null, lastAt: 0 };
}

export function editorReducer(state: EditorState, action: EditorAction): EditorState {
  switch (action.type) {
    case "commit": {
      if (action.workflow === state.present) {
        return action.selection ? { ...state, selection: action.selection } : state;
      }
      const merge = action.coalesce !== undefined && action.coalesce === state.lastKey && action.at - state.lastAt < COALESCE_MS;
      const past = merge ? state.past : [...state.past, state.present].slice(-LIMIT);
      const settled = settle(state, action.workflow);
      return {
        past,
        present: action.workflow,
        future: [],
        scope: settled.scope,
        selection: action.selection ?? settled.selection,
        lastKey: action.coalesce ?? null,
        lastAt: action.at,
      };
    }
    case "undo": {
      const previous = state.past[state.past.length - 1];
      if (!previous) return state;
      return {
        past: state.past.slice(0, -1),
        present: previous,
        future: [state.present, ...state.future],
        ...settle(state, previous),
        lastKey: null,
        lastAt: 0,
      };
    }
    case "redo": {
      const next = state.future[0];
      if (!next) return state;
      return {
        past: [...state.past, state.present],
        present: next,
        future: state.future.slice(1),
        ...settle(state, next),
        lastKey: null,
        lastAt: 0,
      };
    }
    case "select":
      return { ...state, selection: action.selection };
    case "open": {
      const scope = existingScope(state.present, action.scope);
      return { ...state, scope: sameScope(scope, state.scope) ? state.scope : scope, selection: action.selection, lastKey: null };
    }
    case "reset":
      return initialEditorState(action.workflow);
  }
}

/** After the document changed under it, the scope and selection keep only what still exists. */
function settle(state: EditorState, root: Workflow): { scope: Scope; selection: Selection } {
  const scope = existingScope(root, state.scope);
  if (scope !== state.scope) return { scope, selection: NOTHING };
  return { scope, selection: keepExisting(state.selection, machineAt(root, scope)!) };
}

function keepExisting(selection: Selection, workflow: Workflow): Selection {
  const states = selection.states.filter((id) => id in workflow.states);
  const transitions = selection.transitions.filter((i) => i < workflow.transitions.length);
  if (states.length === selection.states.length && transitions.length === selection.transitions.length) return selection;
  return { states, transitions };
}
