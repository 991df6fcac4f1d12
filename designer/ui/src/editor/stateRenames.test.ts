// A state renamed in a draft, recognised against the published version (stateRenames.ts) — also when the draft
// came from a file or pasted JSON: the published version is the model's dump, every default written out
// (GET /api/definitions/{id}/versions/{n}), while the file leaves them out. The published states below are what
// the server returns for definitions/workflows/customer_escalation.json and for a small parallel flow.
import { describe, expect, it } from "vitest";
import schemaFile from "../../../../definitions/schema/workflow.schema.json";
import escalationFile from "../../../../definitions/workflows/customer_escalation.json";
import { fieldDefaults, withoutDefaults } from "../model/defaults";
import type { State, Workflow } from "../model/workflow";
import type { JsonSchema } from "./schemaAssist";
import { renamedStates } from "./stateRenames";

const DEFAULTS = fieldDefaults(schemaFile as unknown as JsonSchema);
const FILE = escalationFile as unknown as Workflow;

/** customer_escalation's states as published: `policies: []`, the approvers' and escalation's `users: []`, the
 * retry rule's `multiplier` and `jitter`, 2 as 2.0 (the same number in JSON). */
const PUBLISHED_STATES: Record<string, State> = {
  discount_approval: {
    title: "Discount authorisation",
    description: FILE.states!.discount_approval!.description!,
    policies: [],
    type: "approval",
    approvers: { roles: ["sales_manager"], users: [] },
    quorum: 1,
    timeout: "PT48H",
    escalation: { after: "PT24H", to: { roles: ["vp_sales"], users: [] } },
    request: FILE.states!.discount_approval!.request!,
  } as State,
  classify_request: {
    ...FILE.states!.classify_request!,
    policies: [],
    retry: [{ max_attempts: 8, backoff: "exponential", initial_interval_s: 2.0, max_interval_s: 60.0, multiplier: 2.0, jitter: true, errors: ["timeout", "rate_limited", "unavailable"] }],
  } as State,
};

function published(states: Record<string, State>): Workflow {
  return { ...FILE, states: { ...FILE.states, ...states } };
}

/** The workflow with the state `from` called `to` (in its states; the rest names nothing a fingerprint reads). */
function renamed(workflow: Workflow, from: string, to: string): Workflow {
  const states = Object.fromEntries(Object.entries(workflow.states ?? {}).map(([id, s]) => [id === from ? to : id, s]));
  return { ...workflow, states };
}

describe("renamedStates", () => {
  it("finds a state renamed in a draft from the file against the version published from it", () => {
    const draft = renamed(FILE, "discount_approval", "credit_approval");
    expect(renamedStates(published(PUBLISHED_STATES), draft, DEFAULTS)).toEqual({ discount_approval: "credit_approval" });
  });

  it("finds a renamed task whose retry the server filled in", () => {
    const draft = renamed(FILE, "classify_request", "triage_request");
    expect(renamedStates(published(PUBLISHED_STATES), draft, DEFAULTS)).toEqual({ classify_request: "triage_request" });
  });

  it("finds it the other way round too: a draft copied from a version, against one published from the file", () => {
    const draft = renamed(published(PUBLISHED_STATES), "discount_approval", "credit_approval");
    expect(renamedStates(FILE, draft, DEFAULTS)).toEqual({ discount_approval: "credit_approval" });
  });

  it("finds a parallel state whose join, branches and their transitions the server filled in", () => {
    const raw: State = {
      type: "parallel",
      branches: [
        {
          name: "credit",
          initial: "score",
          states: { score: { type: "task", action: "score_credit", retry: { max_attempts: 2 } }, scored: { type: "final" } },
          transitions: [{ source: "score", trigger: "done", dest: "scored" }],
        },
      ],
    } as State;
    const dumped = {
      policies: [],
      type: "parallel",
      branches: [
        {
          name: "credit",
          initial: "score",
          states: {
            score: {
              policies: [],
              type: "task",
              action: "score_credit",
              input: {},
              retry: { max_attempts: 2, backoff: "exponential", initial_interval_s: 1.0, max_interval_s: 300.0, multiplier: 2.0, jitter: true, retry_on: [] },
            },
            scored: { policies: [], type: "final", outcome: "success", result: {} },
          },
          transitions: [{ source: "score", trigger: "done", dest: "scored", errors: [], priority: 0, assign: {} }],
        },
      ],
      join: { mode: "all", on_failure: "cancel_others" },
    } as unknown as State;
    expect(renamedStates({ states: { checks: dumped }, transitions: [] }, { states: { checks_all: raw }, transitions: [] }, DEFAULTS)).toEqual({ checks: "checks_all" });
  });

  it("does not take a state changed beyond its defaults for a renamed one", () => {
    const draft = renamed(FILE, "discount_approval", "credit_approval");
    draft.states!.credit_approval = { ...draft.states!.credit_approval!, quorum: 2 } as State;
    expect(renamedStates(published(PUBLISHED_STATES), draft, DEFAULTS)).toEqual({});
  });

  it("does not map a value that differs from the default only where the default is left out", () => {
    const draft = renamed(FILE, "classify_request", "triage_request");
    const retry = { ...(draft.states!.triage_request as { retry: object }).retry, jitter: false };
    draft.states!.triage_request = { ...draft.states!.triage_request!, retry } as State;
    expect(renamedStates(published(PUBLISHED_STATES), draft, DEFAULTS)).toEqual({});
  });
});

describe("withoutDefaults", () => {
  it("leaves the published and the file's form of every state of customer_escalation the same", () => {
    for (const [id, state] of Object.entries(PUBLISHED_STATES)) {
      expect(withoutDefaults(state, DEFAULTS), id).toEqual(withoutDefaults(FILE.states![id], DEFAULTS));
    }
  });

  it("drops nulls, empty lists and objects, and values equal to a field's default, at every depth", () => {
    const defaults = fieldDefaults({ $defs: { Retry: { properties: { jitter: { default: true }, max_attempts: { default: 3 } } } } });
    expect(withoutDefaults({ a: null, b: [], c: {}, d: { e: [] }, retry: { jitter: true, max_attempts: 5 } }, defaults)).toEqual({ retry: { max_attempts: 5 } });
    expect(withoutDefaults({ retry: { jitter: false } }, defaults)).toEqual({ retry: { jitter: false } });
  });
});
