// Combining two tabs' versions of a draft (draftMerge.ts): each case is made with the editor's own edits
// (edits.ts) where it has one, as the two tabs would make it.
import { describe, expect, it } from "vitest";
import { mergeDrafts } from "./draftMerge";
import { moveStates, removeElements, renameStateIn, updateState, updateTransition, addTransition } from "./edits";
import { machineAt, withMachineAt, type Scope } from "./scope";
import type { State, Transition, Workflow } from "./workflow";

const BASE: Workflow = {
  id: "claims",
  title: "Claims",
  initial: "intake",
  states: {
    intake: { type: "task", action: "score_lead", title: "Take the claim in" },
    kb_gap: { type: "task", action: "score_lead", title: "Record a knowledge gap" },
    flag: { type: "task", action: "score_lead", title: "Flag for human review" },
    review: {
      type: "parallel",
      branches: [
        {
          name: "legal",
          initial: "check",
          states: { check: { type: "task", action: "score_lead", title: "Legal check" }, ok: { type: "final" } },
          transitions: [{ source: "check", trigger: "done", dest: "ok" }],
        },
        {
          name: "money",
          initial: "count",
          states: { count: { type: "task", action: "score_lead", title: "Count" }, ok: { type: "final" } },
          transitions: [{ source: "count", trigger: "done", dest: "ok" }],
        },
      ],
    },
    each: {
      type: "map",
      items: "context.items",
      iterator: {
        initial: "work",
        states: { work: { type: "task", action: "score_lead", title: "Work" }, done: { type: "final" } },
        transitions: [{ source: "work", trigger: "done", dest: "done" }],
      },
    },
    paid: { type: "final" },
  },
  transitions: [
    { source: "intake", trigger: "done", dest: "kb_gap" },
    { source: "kb_gap", trigger: "done", dest: "flag" },
    { source: "flag", trigger: "done", dest: "review" },
    { source: "review", trigger: "done", dest: "each" },
    { source: "each", trigger: "done", dest: "paid" },
  ],
  layout: {
    intake: { x: 0, y: 0 },
    kb_gap: { x: 0, y: 160 },
    flag: { x: 0, y: 320 },
    review: { x: 0, y: 480 },
    each: { x: 0, y: 640 },
    paid: { x: 0, y: 800 },
    "review/legal/check": { x: 0, y: 0 },
    "review/legal/ok": { x: 0, y: 160 },
    "review/money/count": { x: 0, y: 0 },
    "review/money/ok": { x: 0, y: 160 },
    "each/iterator/work": { x: 0, y: 0 },
    "each/iterator/done": { x: 0, y: 160 },
  },
};

const LEGAL: Scope = [{ state: "review", branch: 0 }];
const MONEY: Scope = [{ state: "review", branch: 1 }];
const ITEMS: Scope = [{ state: "each", branch: -1 }];

/** The document with the state `id` (of the machine at `scope`) changed by `change`. */
function withState(doc: Workflow, id: string, change: Partial<State>, scope: Scope = []): Workflow {
  const machine = machineAt(doc, scope)!;
  return withMachineAt(doc, scope, updateState(machine, id, { ...machine.states[id]!, ...change }));
}

function retitled(doc: Workflow, id: string, title: string, scope: Scope = []): Workflow {
  return withState(doc, id, { title }, scope);
}

function withTransition(doc: Workflow, index: number, change: Partial<Transition>): Workflow {
  return updateTransition(doc, index, { ...doc.transitions[index]!, ...change });
}

const renamed = (doc: Workflow, from: string, to: string, scope: Scope = []) => renameStateIn(doc, scope, from, to).workflow;

function merged(mine: Workflow, theirs: Workflow, base: Workflow = BASE): Workflow {
  const result = mergeDrafts(base, mine, theirs);
  expect(result.overlaps).toEqual([]);
  return result.merged!;
}

function overlaps(mine: Workflow, theirs: Workflow, base: Workflow = BASE): string[] {
  const result = mergeDrafts(base, mine, theirs);
  expect(result.merged).toBeNull();
  return result.overlaps;
}

const triggers = (doc: Workflow) => doc.transitions.map((t) => `${String(t.source)}-${t.trigger ?? ""}->${t.dest}${t.guard ? `[${t.guard}]` : ""}`);

describe("the basics", () => {
  it("takes this tab's version when theirs is the base", () => {
    const mine = retitled(BASE, "flag", "Mine");
    expect(merged(mine, BASE)).toEqual(mine);
  });

  it("takes theirs when this tab changed nothing", () => {
    const theirs = retitled(BASE, "flag", "Theirs");
    expect(merged(BASE, theirs)).toEqual(theirs);
  });

  it("combines edits of different states", () => {
    const both = merged(retitled(BASE, "flag", "Mine"), retitled(BASE, "kb_gap", "Theirs"));
    expect(both.states.flag!.title).toBe("Mine");
    expect(both.states.kb_gap!.title).toBe("Theirs");
  });

  it("combines edits of different fields of one state", () => {
    const both = merged(retitled(BASE, "flag", "Mine"), withState(BASE, "flag", { description: "Theirs" }));
    expect(both.states.flag).toEqual({ ...BASE.states.flag, title: "Mine", description: "Theirs" });
  });

  it("names the field both changed differently, and combines nothing", () => {
    expect(overlaps(retitled(BASE, "flag", "Mine"), retitled(BASE, "flag", "Theirs"))).toEqual(["state “flag”: title"]);
  });

  it("takes the same change made on both sides once", () => {
    const both = merged(retitled(BASE, "flag", "Same"), retitled(BASE, "flag", "Same"));
    expect(both.states.flag!.title).toBe("Same");
  });

  it("names a workflow field both changed", () => {
    expect(overlaps({ ...BASE, title: "Mine" }, { ...BASE, title: "Theirs" })).toEqual(["the workflow's title"]);
  });

  it("keeps a state one side removed removed, with the other side's edits elsewhere", () => {
    const mine = removeElements(BASE, ["kb_gap"], []);
    const both = merged({ ...mine, transitions: [...mine.transitions, { source: "intake", trigger: "done", dest: "flag" }] }, retitled(BASE, "flag", "Theirs"));
    expect(Object.keys(both.states)).not.toContain("kb_gap");
    expect(both.layout).not.toHaveProperty("kb_gap");
    expect(both.states.flag!.title).toBe("Theirs");
  });

  it("keeps the states each side added", () => {
    const mine = { ...BASE, states: { ...BASE.states, mine: { type: "task" } as State } };
    const theirs = { ...BASE, states: { ...BASE.states, theirs: { type: "wait", duration: "PT1H" } as State } };
    const both = merged(mine, theirs);
    expect(both.states.mine).toEqual({ type: "task" });
    expect(both.states.theirs).toEqual({ type: "wait", duration: "PT1H" });
  });

  it("names a state added on both sides differently", () => {
    const mine = { ...BASE, states: { ...BASE.states, extra: { type: "task" } as State } };
    const theirs = { ...BASE, states: { ...BASE.states, extra: { type: "final" } as State } };
    expect(overlaps(mine, theirs)).toEqual(["state “extra”: added in both, differently"]);
  });

  it("names a state one side removed while the other changed it", () => {
    expect(overlaps(removeElements(BASE, ["kb_gap"], []), retitled(BASE, "kb_gap", "Theirs"))).toContain("state “kb_gap”: removed in yours, changed in theirs");
  });

  it("names a state one side removed that the other goes on using", () => {
    const [theirs] = addTransition(BASE, "intake", "kb_gap");
    const mine = removeElements(BASE, ["kb_gap"], []);
    expect(overlaps(mine, withTransition(theirs, 5, { trigger: "skip" }))).toEqual(["state “kb_gap”: removed in yours, still used in theirs"]);
  });

  it("combines moves of different states, and names one state moved to two places", () => {
    const both = merged(moveStates(BASE, { flag: { x: 300, y: 320 } }), moveStates(BASE, { paid: { x: 300, y: 800 } }));
    expect(both.layout!.flag).toEqual({ x: 300, y: 320 });
    expect(both.layout!.paid).toEqual({ x: 300, y: 800 });
    expect(overlaps(moveStates(BASE, { flag: { x: 300, y: 320 } }), moveStates(BASE, { flag: { x: -300, y: 320 } }))).toEqual(["state “flag”: position on the canvas"]);
  });

  it("keeps the document's fields in the saved version's order", () => {
    const both = merged(retitled(BASE, "flag", "Mine"), moveStates(BASE, { paid: { x: 1, y: 2 } }));
    expect(Object.keys(both)).toEqual(Object.keys(BASE));
  });
});

describe("transitions without ids, told by source, trigger and destination", () => {
  it("combines a transition added in one tab with another edited in the other", () => {
    const [mine] = addTransition(BASE, "kb_gap", "paid");
    const theirs = withTransition(BASE, 1, { guard: "context.amount > 10" });
    const both = merged(mine, theirs);
    expect(triggers(both)).toEqual([
      "intake-done->kb_gap",
      "kb_gap-done->flag[context.amount > 10]",
      "flag-done->review",
      "review-done->each",
      "each-done->paid",
      "kb_gap-error->paid",
    ]);
  });

  it("keeps a transition removed in one tab removed while another is edited in the other", () => {
    const mine = removeElements(BASE, [], [0]);
    const theirs = withTransition(BASE, 3, { description: "Theirs" });
    const both = merged(mine, theirs);
    expect(both.transitions).toHaveLength(4);
    expect(triggers(both)).not.toContain("intake-done->kb_gap");
    expect(both.transitions.find((t) => t.source === "review")!.description).toBe("Theirs");
  });

  it("never brings back a transition removed on one side when the other adds one", () => {
    const mine = removeElements(BASE, [], [1]);
    const [theirs] = addTransition(BASE, "flag", "paid");
    const both = merged(mine, theirs);
    expect(triggers(both)).toEqual(["intake-done->kb_gap", "flag-done->review", "review-done->each", "each-done->paid", "flag-error->paid"]);
  });

  it("adds each side's new transitions once, after the transition they follow", () => {
    const [mine] = addTransition(BASE, "kb_gap", "paid");
    const [theirs] = addTransition(BASE, "intake", "paid");
    const both = merged(mine, theirs);
    expect(both.transitions).toHaveLength(7);
    expect(new Set(triggers(both)).size).toBe(7);
  });

  it("tells apart transitions with ids and without in one list", () => {
    const base = { ...BASE, transitions: BASE.transitions.map((t, i) => (i === 2 ? { ...t, id: "to_review" } : t)) };
    const mine = removeElements(base, [], [0]);
    const theirs = { ...base, transitions: [...base.transitions, { id: "late", source: "flag", trigger: "late", dest: "paid" }] };
    const both = merged(mine, withTransition(theirs, 2, { guard: "true" }), base);
    expect(both.transitions.map((t) => t.id ?? `${String(t.source)}->${t.dest}`)).toEqual(["kb_gap->flag", "to_review", "review->each", "each->paid", "late"]);
    expect(both.transitions[1]!.guard).toBe("true");
  });

  it("tells apart several transitions sharing source, trigger and destination", () => {
    const base = { ...BASE, transitions: [...BASE.transitions, { source: "flag", trigger: "done", dest: "review", guard: "a" }] };
    const mine = removeElements(base, [], [2]); // the first of the two flag → review
    const theirs = withTransition(base, 5, { guard: "b" }); // the second
    const both = merged(mine, theirs, base);
    expect(both.transitions.filter((t) => t.source === "flag")).toEqual([{ source: "flag", trigger: "done", dest: "review", guard: "b" }]);
  });

  it("combines edits of different fields of one transition", () => {
    const both = merged(withTransition(BASE, 1, { guard: "x" }), withTransition(BASE, 1, { description: "y" }));
    expect(both.transitions[1]).toEqual({ source: "kb_gap", trigger: "done", dest: "flag", guard: "x", description: "y" });
  });

  it("names the field of a transition both changed differently", () => {
    expect(overlaps(withTransition(BASE, 1, { guard: "x" }), withTransition(BASE, 1, { guard: "y" }))).toEqual(["transition kb_gap → flag on done: guard"]);
  });

  it("names a transition re-routed on one side and edited on the other", () => {
    const found = overlaps(withTransition(BASE, 1, { dest: "paid" }), withTransition(BASE, 1, { guard: "y" }));
    expect(found).toEqual(["transition kb_gap → flag on done: removed (or its source, trigger or destination changed) in yours, changed in theirs"]);
  });

  it("names the order of the transitions when both reorder them", () => {
    const t = BASE.transitions;
    const mine = { ...BASE, transitions: [t[1]!, t[0]!, t[2]!, t[3]!, t[4]!] };
    const theirs = { ...BASE, transitions: [t[0]!, t[2]!, t[1]!, t[3]!, t[4]!] };
    expect(overlaps(mine, theirs)).toEqual(["the order of the transitions"]);
  });
});

describe("renamed states", () => {
  it("names a state the two renamed differently, once", () => {
    expect(overlaps(renamed(BASE, "flag", "flag_mine"), renamed(BASE, "flag", "flag_theirs"))).toEqual(["state “flag”: renamed “flag_mine” in yours, “flag_theirs” in theirs"]);
  });

  it("takes one rename made on both sides", () => {
    const both = merged(retitled(renamed(BASE, "flag", "review_flag"), "intake", "Mine"), renamed(BASE, "flag", "review_flag"));
    expect(Object.keys(both.states)).toEqual(["intake", "kb_gap", "review_flag", "review", "each", "paid"]);
    expect(both.states.intake!.title).toBe("Mine");
  });

  it("carries a move of the state in one tab to its new id from the other", () => {
    const both = merged(renamed(BASE, "flag", "check_flag"), moveStates(BASE, { flag: { x: 400, y: 320 } }));
    expect(both.layout!.check_flag).toEqual({ x: 400, y: 320 });
    expect(both.layout).not.toHaveProperty("flag");
    expect(both.states).not.toHaveProperty("flag");
  });

  it("carries an edit of the state in one tab to its new id from the other", () => {
    const both = merged(retitled(BASE, "flag", "Theirs"), renamed(BASE, "flag", "check_flag"));
    expect(both.states.check_flag!.title).toBe("Theirs");
    expect(both.states).not.toHaveProperty("flag");
    expect(triggers(both)).toContain("kb_gap-done->check_flag");
    expect(both.transitions).toHaveLength(5);
  });

  it("carries a transition added to the state in one tab to its new id from the other", () => {
    const [theirs] = addTransition(BASE, "flag", "paid");
    const both = merged(renamed(BASE, "flag", "check_flag"), theirs);
    expect(triggers(both)).toContain("check_flag-error->paid");
    expect(triggers(both).some((t) => t.includes("flag-") && !t.includes("check_flag"))).toBe(false);
  });

  it("finds a rename with an edit of the same state, and words the overlap as a rename", () => {
    const mine = retitled(renamed(BASE, "flag", "check_flag"), "check_flag", "Mine");
    expect(overlaps(mine, retitled(BASE, "flag", "Theirs"))).toEqual(["state “check_flag” (renamed from “flag” in yours): title"]);
  });

  it("names a state renamed on one side and removed on the other", () => {
    expect(overlaps(renamed(BASE, "paid", "closed"), removeElements(BASE, ["paid"], []))).toContain("state “paid”: renamed “closed” in yours, removed in theirs");
  });

  it("does not take a state removed and another added for a rename", () => {
    // `kb_gap` removed (its transitions with it), a state with the same fields added elsewhere: theirs' edit of
    // `kb_gap` is not carried to it.
    const removed = removeElements(BASE, ["kb_gap"], []);
    const mine = moveStates({ ...removed, states: { ...removed.states, gap_2: BASE.states.kb_gap! } }, { gap_2: { x: 600, y: 0 } });
    expect(overlaps(mine, retitled(BASE, "kb_gap", "Theirs"))).toContain("state “kb_gap”: removed in yours, changed in theirs");
  });

  it("renames a state of a branch on the other side too", () => {
    const both = merged(renamed(BASE, "check", "vet", LEGAL), retitled(BASE, "check", "Theirs", LEGAL));
    const legal = machineAt(both, LEGAL)!;
    expect(Object.keys(legal.states)).toEqual(["vet", "ok"]);
    expect(legal.states.vet!.title).toBe("Theirs");
    expect(legal.initial).toBe("vet");
    expect(both.layout).toHaveProperty(["review/legal/vet"]);
    expect(both.layout).not.toHaveProperty(["review/legal/check"]);
  });
});

describe("branches and iterators, state by state", () => {
  it("combines edits of states of different branches", () => {
    const both = merged(retitled(BASE, "check", "Mine", LEGAL), retitled(BASE, "count", "Theirs", MONEY));
    expect(machineAt(both, LEGAL)!.states.check!.title).toBe("Mine");
    expect(machineAt(both, MONEY)!.states.count!.title).toBe("Theirs");
  });

  it("combines edits of different states of one branch, and its transitions", () => {
    const legal = machineAt(BASE, LEGAL)!;
    const mine = withMachineAt(BASE, LEGAL, { ...legal, states: { ...legal.states, more: { type: "task" } }, transitions: [...legal.transitions, { source: "check", trigger: "error", dest: "more" }] });
    const theirs = retitled(BASE, "check", "Theirs", LEGAL);
    const both = machineAt(merged(mine, theirs), LEGAL)!;
    expect(both.states.check!.title).toBe("Theirs");
    expect(both.states.more).toEqual({ type: "task" });
    expect(both.transitions).toHaveLength(2);
  });

  it("combines an edit in the iterator with an edit of the map state", () => {
    const both = merged(retitled(BASE, "work", "Mine", ITEMS), withState(BASE, "each", { max_concurrency: 3 }));
    expect(machineAt(both, ITEMS)!.states.work!.title).toBe("Mine");
    expect(both.states.each!.max_concurrency).toBe(3);
  });

  it("combines edits of different states of the iterator", () => {
    const both = merged(retitled(BASE, "work", "Mine", ITEMS), withState(BASE, "done", { outcome: "success" }, ITEMS));
    expect(machineAt(both, ITEMS)!.states).toEqual({ work: { ...BASE.states.each!.iterator!.states.work, title: "Mine" }, done: { type: "final", outcome: "success" } });
  });

  it("names a field of a branch's state both changed, with where it is", () => {
    expect(overlaps(retitled(BASE, "check", "Mine", LEGAL), retitled(BASE, "check", "Theirs", LEGAL))).toEqual(["state “check” in review › legal: title"]);
    expect(overlaps(retitled(BASE, "work", "Mine", ITEMS), retitled(BASE, "work", "Theirs", ITEMS))).toEqual(["state “work” in each › for each item: title"]);
  });

  it("keeps a branch added on one side with edits of another on the other", () => {
    const review = BASE.states.review!;
    const extra = { name: "risk", initial: "r", states: { r: { type: "final" as const } }, transitions: [] };
    const mine = withState(BASE, "review", { branches: [...review.branches!, extra] });
    const both = merged(mine, retitled(BASE, "count", "Theirs", MONEY));
    expect(both.states.review!.branches!.map((b) => b.name)).toEqual(["legal", "money", "risk"]);
    expect(machineAt(both, MONEY)!.states.count!.title).toBe("Theirs");
  });
});

describe("positions of states inside branches", () => {
  it("lets a state of a branch removed on one side take its position with it when the other moved it", () => {
    const legal = machineAt(BASE, LEGAL)!;
    const mine = withMachineAt(BASE, LEGAL, removeElements(legal, ["ok"], []));
    const theirs = moveStates(BASE, { "review/legal/ok": { x: 200, y: 160 } });
    const both = merged(mine, theirs);
    expect(machineAt(both, LEGAL)!.states).not.toHaveProperty("ok");
    expect(both.layout).not.toHaveProperty(["review/legal/ok"]);
  });

  it("names a state of a branch moved to two places, by its id and where it is", () => {
    const mine = moveStates(BASE, { "review/legal/check": { x: 200, y: 0 } });
    const theirs = moveStates(BASE, { "review/legal/check": { x: -200, y: 0 } });
    expect(overlaps(mine, theirs)).toEqual(["state “check” in review › legal: position on the canvas"]);
  });
});

describe("a state given another type", () => {
  it("is named when the other side changed its fields", () => {
    const mine = withState(BASE, "flag", { type: "wait", action: undefined, duration: "PT1H" });
    const theirs = withState(BASE, "flag", { retry: { max_attempts: 3 } });
    expect(overlaps(mine, theirs)).toEqual(["state “flag”: made a wait state in yours, its retry changed in theirs"]);
  });

  it("combines with other states' edits", () => {
    const mine = withState(BASE, "flag", { type: "wait", action: undefined, duration: "PT1H" });
    const both = merged(mine, retitled(BASE, "kb_gap", "Theirs"));
    expect(both.states.flag).toEqual({ type: "wait", title: "Flag for human review", duration: "PT1H" });
  });
});

describe("malformed documents", () => {
  it("does not throw on transitions of the wrong shape", () => {
    const bad = { ...BASE, transitions: [...BASE.transitions, { source: 5, dest: null, errors: "timeout" } as unknown as Transition] };
    expect(() => mergeDrafts(BASE, retitled(bad, "flag", "Mine"), retitled(BASE, "kb_gap", "Theirs"))).not.toThrow();
    expect(() => mergeDrafts(BASE, bad, { ...bad, transitions: [...bad.transitions.slice(1)] })).not.toThrow();
  });
});
