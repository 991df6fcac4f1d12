// The machine as the canvas draws it (drawable.ts): fields of the wrong type left out of the drawing.
import { describe, expect, it } from "vitest";
import type { Workflow } from "../../model/workflow";
import { drawable } from "./drawable";
import { labelSize } from "./edgeLabels";

const FLOW: Workflow = {
  initial: "a",
  states: { a: { type: "task", title: "A" }, b: { type: "final" } },
  transitions: [{ source: "a", trigger: "error", errors: ["timeout"], dest: "b" }],
};

const withTransition = (change: Record<string, unknown>): Workflow => ({ ...FLOW, transitions: [{ ...FLOW.transitions[0]!, ...change } as never] });

describe("drawable", () => {
  it("is the same object when every field has its type", () => {
    expect(drawable(FLOW)).toBe(FLOW);
  });

  it("leaves out a transition's errors that are not a list, and its label can be measured", () => {
    const drawn = drawable(withTransition({ errors: "timeout" }));
    expect(drawn.transitions[0]).toEqual({ source: "a", trigger: "error", dest: "b" });
    expect(() => labelSize(drawn.transitions[0]!, undefined)).not.toThrow();
  });

  it("does not draw a transition whose source or destination is not a state id", () => {
    expect(drawable(withTransition({ source: 5 })).transitions[0]!.source).toBe("");
    expect(drawable(withTransition({ source: ["a", 5] })).transitions[0]!.source).toEqual(["a"]);
    expect(drawable(withTransition({ dest: null })).transitions[0]!.dest).toBe("");
  });

  it("leaves out a state's fields of another type, in branches too", () => {
    const flow = {
      ...FLOW,
      states: {
        a: { type: "task", title: { en: "A" } },
        p: { type: "parallel", branches: [{ name: "x", states: { s: { type: "task", title: 3 } }, transitions: [{ source: "s", dest: "s", guard: ["g"] }] }] },
        m: { type: "map", iterator: "items" },
        q: { type: "parallel", branches: "legal" },
      },
    } as unknown as Workflow;
    const drawn = drawable(flow);
    expect(drawn.states.a).toEqual({ type: "task" });
    expect(drawn.states.p!.branches![0]!.states.s).toEqual({ type: "task" });
    expect(drawn.states.p!.branches![0]!.transitions![0]).toEqual({ source: "s", dest: "s" });
    expect(drawn.states.m!.iterator).toBeNull();
    expect(drawn.states.q!.branches).toEqual([]);
  });

  it("never changes the document it is given", () => {
    const flow = withTransition({ errors: "timeout" });
    const copy = JSON.parse(JSON.stringify(flow)) as Workflow;
    drawable(flow);
    expect(flow).toEqual(copy);
  });
});

describe("labelSize", () => {
  it("measures a label whose errors are not a list without throwing", () => {
    expect(() => labelSize({ source: "a", dest: "b", trigger: "error", errors: "timeout" as never }, undefined)).not.toThrow();
  });
});
