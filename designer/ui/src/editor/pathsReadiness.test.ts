// When the Paths panel measures a draft with errors (pathsReadiness.ts): only when every error is one path
// analysis does not depend on — as POST /api/paths tolerates `unknown-action` and refuses the rest.
import { describe, expect, it } from "vitest";
import type { Finding } from "../model/findings";
import { pathsReadiness, remainingWords } from "./pathsReadiness";

function finding(code: string, states: string[], severity: Finding["severity"] = "error"): Finding {
  return { code, severity, message: code, pointer: `/states/${states[0] ?? ""}`, states, transitions: [] };
}

describe("pathsReadiness", () => {
  it("measures a flow whose only errors are actions with no handler, and names them", () => {
    const ready = pathsReadiness([finding("unknown-action", ["fetch"]), finding("unknown-action", ["ship"]), finding("sla-at-risk", [], "warning")]);
    expect(ready.measurable).toBe(true);
    expect(remainingWords(ready.remaining)).toBe(
      "Measured although 2 errors remain that the paths do not depend on: this server has no handler for the actions of fetch and ship. " +
        "They stay among the Problems, and publishing here waits for them.",
    );
  });

  it("does not measure a flow with any other error", () => {
    for (const code of ["unknown-agent", "dead-end", "unreachable-state", "schema"]) {
      expect(pathsReadiness([finding("unknown-action", ["fetch"]), finding(code, ["ship"])]).measurable, code).toBe(false);
    }
  });

  it("measures a flow without errors, with nothing left to say", () => {
    expect(pathsReadiness([finding("sla-at-risk", [], "warning")])).toEqual({ measurable: true, remaining: [] });
  });
});
