import { describe, expect, it } from "vitest";
import { changesMissingFrom } from "./changes";
import type { Workflow } from "./workflow";

/** As published: every default written out (`policies: []`). */
const BASE: Workflow = {
  id: "risk",
  initial: "route_risk",
  states: {
    route_risk: { type: "choice", title: "Route risk", policies: [] },
    done: { type: "final", policies: [] },
  },
  transitions: [{ source: "route_risk", dest: "done" }],
} as unknown as Workflow;

describe("changesMissingFrom", () => {
  it("names only the fields that differ, an empty list being no policy at all", () => {
    // this tab edited the title in the inspector, which left the empty policies out
    const mine = { ...BASE, states: { ...BASE.states, route_risk: { type: "choice", title: "Route by risk" } } } as unknown as Workflow;
    // the other tab changed the title too, to something else
    const theirs = { ...BASE, states: { ...BASE.states, route_risk: { type: "choice", title: "Risk routing", policies: [] } } } as unknown as Workflow;
    expect(changesMissingFrom(BASE, mine, theirs)).toEqual(["state “route_risk”: title"]);
  });

  it("does not count a field the other version has as this one does", () => {
    const mine = { ...BASE, states: { ...BASE.states, route_risk: { type: "choice", title: "Route by risk", description: "Split by score" } } } as unknown as Workflow;
    const theirs = { ...BASE, states: { ...BASE.states, route_risk: { type: "choice", title: "Risk routing", description: "Split by score" } } } as unknown as Workflow;
    expect(changesMissingFrom(BASE, mine, theirs)).toEqual(["state “route_risk”: title"]);
  });

  it("says nothing of a version that differs only in empty fields", () => {
    const mine = { ...BASE, states: { route_risk: { type: "choice", title: "Route risk" }, done: { type: "final" } } } as unknown as Workflow;
    expect(changesMissingFrom(BASE, mine, BASE)).toEqual([]);
  });
});
