import { describe, expect, it } from "vitest";
import type { Diff } from "../api/types";
import { withRenames } from "./diffRenames";

/** What the server's diff says of kyc_check renamed to kyc_screening (its two transitions follow it), with
 * another state's title changed, and a transition out of the renamed state whose guard changed too. */
const DIFF: Diff = {
  workflow_id: "onboarding",
  from_version: 1,
  to_version: 2,
  fields: [],
  states: { added: ["kyc_screening"], removed: ["kyc_check"], changed: [], renamed: { kyc_check: "kyc_screening" } },
  transitions: {
    added: [
      { key: "collect-[done]->kyc_screening", index: 0, transition: { source: "collect", trigger: "done", dest: "kyc_screening" } },
      { key: "kyc_screening-[done]->route_risk", index: 1, transition: { source: "kyc_screening", trigger: "done", dest: "route_risk" } },
      { key: "kyc_screening-[error]->failed", index: 2, transition: { source: "kyc_screening", trigger: "error", dest: "failed", guard: "context.fatal" } },
    ],
    removed: [
      { key: "collect-[done]->kyc_check", index: 0, transition: { source: "collect", trigger: "done", dest: "kyc_check", guard: null, assign: {} } },
      { key: "kyc_check-[done]->route_risk", index: 1, transition: { source: "kyc_check", trigger: "done", dest: "route_risk", assign: {} } },
      { key: "kyc_check-[error]->failed", index: 2, transition: { source: "kyc_check", trigger: "error", dest: "failed" } },
    ],
    changed: [],
  },
};

describe("withRenames", () => {
  it("tells a rename as one change, and only the transitions that changed otherwise", () => {
    const told = withRenames(DIFF, { kyc_check: "kyc_screening" });
    expect(told.renamed).toEqual([["kyc_check", "kyc_screening"]]);
    expect(told.states.added).toEqual([]);
    expect(told.states.removed).toEqual([]);
    expect(told.transitions.added).toEqual([]);
    expect(told.transitions.removed).toEqual([]);
    expect(told.transitions.changed.map((c) => [c.key, c.fields])).toEqual([["kyc_screening-[error]->failed", ["guard"]]]);
  });

  it("leaves a diff alone without renames, or with one the diff does not show", () => {
    expect(withRenames(DIFF, {})).toEqual({ ...DIFF, renamed: [] });
    expect(withRenames(DIFF, { route_risk: "risk_route" })).toEqual({ ...DIFF, renamed: [] });
  });
});
