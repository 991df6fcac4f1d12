// The editor's document with its undo history. Every change is a new immutable workflow; undo and redo
// move between them. Rapid edits of one field (typing in the inspector) share one history entry.
import type { Workflow } from "../model/workflow";
import type { Selection } from "./selection";
import { NOTHING } from "./selection";

const LIMIT = 200;
const COALESCE_MS = 1200;

export interface EditorState {
  past: Workflow[];
  present: Workflow;
  future: Workflow[];
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
  | { type: "reset"; workflow: Workflow };

export function initialEditorState(workflow: Workflow): EditorState {
  return { past: [], present: workflow, future: [], selection: NOTHING, lastKey: null, lastAt: 0 };
}

export function editorReducer(state: EditorState, action: EditorAction): EditorState {
  switch (action.type) {
    case "commit": {
      if (action.workflow === state.present) {
        return action.selection ? { ...state, selection: action.selection } : state;
      }
      const merge = action.coalesce !== undefined && action.coalesce === state.lastKey && action.at - state.lastAt < COALESCE_MS;
      const past = merge ? state.past : [...state.past, state.present].slice(-LIMIT);
      return {
        past,
        present: action.workflow,
        future: [],
        selection: action.selection ?? keepExisting(state.selection, action.workflow),
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
        selection: keepExisting(state.selection, previous),
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
        selection: keepExisting(state.selection, next),
        lastKey: null,
        lastAt: 0,
      };
    }
    case "select":
      return { ...state, selection: action.selection };
    case "reset":
      return initialEditorState(action.workflow);
  }
}

/** After the document changed under it, the selection keeps only what still exists. */
function keepExisting(selection: Selection, workflow: Workflow): Selection {
  const states = selection.states.filter((id) => id in workflow.states);
  const transitions = selection.transitions.filter((i) => i < workflow.transitions.length);
  if (states.length === selection.states.length && transitions.length === selection.transitions.length) return selection;
  return { states, transitions };
}
