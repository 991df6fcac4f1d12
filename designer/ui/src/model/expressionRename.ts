// A state renamed is also renamed where a CEL expression writes its id as text: `instance.state == "review"`,
// `context.last_state == 'review'`, `{"review": 1}[instance.state]`. Only a string literal whose whole value is
// the old id changes (its quotes kept); identifiers (`review.score`), longer text ("review_2", "in review"),
// bytes (b"review") and comments stay as written. Where expressions live follows engine/definition: guards and
// assignments of transitions; inputs, approval requests, results, deadlines, event correlations, map items and
// the "ask the user" question and correlation of states; policies' conditions. Start triggers are left alone:
// they read events of other workflows, whose states are not these.
import { pointerOf } from "./findings";
import { describeScope, ITERATOR, scopePointer, type Scope } from "./scope";
import type { State, Transition, Workflow } from "./workflow";

const PREFIX = /^(?:[rRbB]|[rR][bB]|[bB][rR])$/;
const WORD_START = /[A-Za-z_]/;
const WORD = /[A-Za-z0-9_]/;

/** `source` with every string literal whose value is exactly `from` written as `to`, in the same quotes. */
export function renameInExpression(source: string, from: string, to: string): string {
  let out = "";
  let i = 0;
  const n = source.length;
  while (i < n) {
    const c = source[i]!;
    if (c === "/" && source[i + 1] === "/") {
      const end = source.indexOf("\n", i);
      const j = end < 0 ? n : end;
      out += source.slice(i, j);
      i = j;
      continue;
    }
    let prefix = "";
    if (WORD_START.test(c)) {
      let j = i + 1;
      while (j < n && WORD.test(source[j]!)) j += 1;
      const word = source.slice(i, j);
      if (!(PREFIX.test(word) && (source[j] === '"' || source[j] === "'"))) {
        out += word;
        i = j;
        continue;
      }
      prefix = word;
      i = j;
    } else if (/[0-9]/.test(c)) {
      // A number (1, 2.5e3, 0x1F, 3u): read whole, so its letters are not taken for a prefix.
      let j = i + 1;
      while (j < n && /[0-9A-Za-z_.]/.test(source[j]!)) j += 1;
      out += source.slice(i, j);
      i = j;
      continue;
    } else if (c !== '"' && c !== "'") {
      out += c;
      i += 1;
      continue;
    }
    const quote = source[i]!;
    const triple = source.startsWith(quote.repeat(3), i);
    const close = triple ? quote.repeat(3) : quote;
    const raw = /[rR]/.test(prefix);
    const start = i + close.length;
    let j = start;
    while (j < n && !source.startsWith(close, j)) {
      if (!triple && source[j] === "\n") break;
      j += !raw && source[j] === "\\" ? 2 : 1;
    }
    if (j >= n || !source.startsWith(close, j)) {
      out += prefix + source.slice(i); // not closed: not an expression CEL reads, left as written
      break;
    }
    const value = source.slice(start, j);
    out += prefix + close + (value === from && !/[bB]/.test(prefix) ? to : value) + close;
    i = j + close.length;
  }
  return out;
}

/** An expression a rename changed: where it is (from the document's root) and in words. */
export interface RenamedExpression {
  pointer: string;
  words: string;
}

type Found = RenamedExpression[];

/** What a walk over the expressions renames, and collects. */
interface Walk {
  from: string;
  to: string;
  found: Found;
  /** Into the branches of parallel states and the iterators of map states too. */
  deep: boolean;
  /** The document, for naming branches in words. */
  root: Workflow;
}

function one(walk: Walk, text: string | null | undefined, pointer: string, words: string): string | null | undefined {
  if (typeof text !== "string" || !text) return text;
  const next = renameInExpression(text, walk.from, walk.to);
  if (next === text) return text;
  walk.found.push({ pointer, words });
  return next;
}

function map(walk: Walk, entries: Record<string, string> | undefined, pointer: string, words: (key: string) => string): Record<string, string> | undefined {
  if (!entries || typeof entries !== "object") return entries;
  let changed = false;
  const next: Record<string, string> = {};
  for (const [key, text] of Object.entries(entries)) {
    const renamed = one(walk, text, `${pointer}${pointerOf(key)}`, words(key));
    next[key] = renamed as string;
    if (renamed !== text) changed = true;
  }
  return changed ? next : entries;
}

function where(walk: Walk, scope: Scope): string {
  const place = describeScope(walk.root, scope);
  return place ? ` (in ${place})` : "";
}

const ends = (t: Transition) => `${Array.isArray(t.source) ? t.source.join(", ") : t.source} → ${t.dest}`;

/** A transition as the canvas shows it — `decide → wait_docs`, its trigger added when another transition of the
 * machine goes between the same states (`on approve`, `automatic`), and its place among them when that is not
 * enough either (`#2`): never its index, which no one sees. */
export function transitionWords(transitions: readonly Transition[], index: number): string {
  const t = transitions[index]!;
  const trigger = (x: Transition) => (x.trigger ? `on ${x.trigger}` : "automatic");
  const between = transitions.filter((x) => ends(x) === ends(t));
  if (between.length === 1) return ends(t);
  const alike = between.filter((x) => trigger(x) === trigger(t));
  const words = `${ends(t)} ${trigger(t)}`;
  return alike.length === 1 ? words : `${words} #${alike.indexOf(t) + 1}`;
}

function transition(walk: Walk, t: Transition, index: number, all: readonly Transition[], base: string, scope: Scope): Transition {
  const at = `${base}${pointerOf("transitions", index)}`;
  const label = `the transition ${transitionWords(all, index)}${where(walk, scope)}`;
  const guard = one(walk, t.guard, `${at}/guard`, `the guard of ${label}`);
  const assign = map(walk, t.assign, `${at}/assign`, (key) => `assignment '${key}' of ${label}`);
  if (guard === t.guard && assign === t.assign) return t;
  return { ...t, ...(guard !== t.guard ? { guard } : {}), ...(assign !== t.assign ? { assign } : {}) };
}

function state(walk: Walk, id: string, s: State, base: string, scope: Scope): State {
  const at = `${base}${pointerOf("states", id)}`;
  const of = `${id}${where(walk, scope)}`;
  const next: State & Record<string, unknown> = { ...s };
  let changed = false;
  const set = (key: string, before: unknown, after: unknown) => {
    if (after === before) return;
    next[key] = after;
    changed = true;
  };
  set("input", s.input, map(walk, s.input, `${at}/input`, (key) => `input '${key}' of ${of}`));
  set("request", s.request, map(walk, s.request, `${at}/request`, (key) => `'${key}' shown to the approver at ${of}`));
  set("result", s.result, map(walk, s.result, `${at}/result`, (key) => `result '${key}' of ${of}`));
  set("deadline", s.deadline, one(walk, s.deadline, `${at}/deadline`, `the deadline of ${of}`));
  set("items", s.items, one(walk, s.items, `${at}/items`, `the items of ${of}`));
  if (s.event && typeof s.event === "object") {
    const correlation = one(walk, s.event.correlation, `${at}/event/correlation`, `the event correlation of ${of}`);
    set("event", s.event, correlation === s.event.correlation ? s.event : { ...s.event, correlation });
  }
  const ask = (s as unknown as Record<string, unknown>).ask_user;
  if (ask && typeof ask === "object" && !Array.isArray(ask)) {
    const before = ask as Record<string, unknown>;
    const question = one(walk, before.question as string | undefined, `${at}/ask_user/question`, `the question ${of} asks the user`);
    const correlation = one(walk, before.correlation as string | undefined, `${at}/ask_user/correlation`, `the reply's correlation at ${of}`);
    if (question !== before.question || correlation !== before.correlation) {
      set("ask_user", ask, { ...before, ...(question !== before.question ? { question } : {}), ...(correlation !== before.correlation ? { correlation } : {}) });
    }
  }
  if (walk.deep && Array.isArray(s.branches)) {
    let branchesChanged = false;
    const branches = s.branches.map((branch, index) => {
      const after = machine(walk, branch as unknown as Workflow, `${at}/branches/${index}`, [...scope, { state: id, branch: index }]);
      if (after !== (branch as unknown)) branchesChanged = true;
      return after as unknown as typeof branch;
    });
    if (branchesChanged) set("branches", s.branches, branches);
  }
  if (walk.deep && s.type === "map" && s.iterator && typeof s.iterator === "object") {
    set("iterator", s.iterator, machine(walk, s.iterator as unknown as Workflow, `${at}/iterator`, [...scope, { state: id, branch: ITERATOR }]));
  }
  return changed ? next : s;
}

/** A machine (the workflow, a branch, an iterator) with its expressions renamed; the same object when none is. */
function machine(walk: Walk, m: Workflow, base: string, scope: Scope): Workflow {
  let changed = false;
  const transitions = Array.isArray(m.transitions)
    ? m.transitions.map((t, index) => {
        const after = transition(walk, t, index, m.transitions, base, scope);
        if (after !== t) changed = true;
        return after;
      })
    : m.transitions;
  const states: Record<string, State> = {};
  for (const [id, s] of Object.entries(m.states ?? {})) {
    const after = state(walk, id, s, base, scope);
    if (after !== s) changed = true;
    states[id] = after;
  }
  return changed ? { ...m, states, ...(Array.isArray(transitions) ? { transitions } : {}) } : m;
}

function policies(walk: Walk, list: unknown[] | undefined): unknown[] | undefined {
  if (!Array.isArray(list)) return list;
  let changed = false;
  const next = list.map((policy, index) => {
    if (!policy || typeof policy !== "object") return policy;
    const p = policy as Record<string, unknown>;
    const name = typeof p.id === "string" && p.id ? `'${p.id}'` : String(index + 1);
    const condition = one(walk, p.condition as string | undefined, `${pointerOf("policies", index, "condition")}`, `the condition of policy ${name}`);
    if (condition === p.condition) return policy;
    changed = true;
    return { ...p, condition };
  });
  return changed ? next : list;
}

/** The machine at `scope` of `root` (`m`, as machineAt gives it) with `from` written as `to` in its own
 * expressions: its transitions' and its states', not those of the branches inside its states. */
export function renameInMachine(root: Workflow, scope: Scope, m: Workflow, from: string, to: string): { machine: Workflow; renamed: RenamedExpression[] } {
  const walk: Walk = { from, to, found: [], deep: false, root };
  return { machine: machine(walk, m, scopePointer(scope), scope), renamed: walk.found };
}

/** `root` with `from` written as `to` in every expression of every machine of it, and in policies' conditions. */
export function renameInDocument(root: Workflow, from: string, to: string): { workflow: Workflow; renamed: RenamedExpression[] } {
  const walk: Walk = { from, to, found: [], deep: true, root };
  const top = machine(walk, root, "", []);
  const renamedPolicies = policies(walk, top.policies);
  return { workflow: renamedPolicies === top.policies ? top : { ...top, policies: renamedPolicies }, renamed: walk.found };
}
