// What a freshly added state of each type looks like: the smallest definition the server accepts — but for a
// task's action, which no default can name (a made-up one is not registered): a new task (in a branch or an
// iterator too) has none, and its Action field asks for one.
import type { State, StateType } from "./workflow";

export function newState(type: StateType): State {
  switch (type) {
    case "task":
      return { type };
    case "choice":
      return { type };
    case "approval":
      return { type, approvers: { roles: ["approver"], users: [] }, quorum: 1, timeout: "PT48H" };
    case "wait":
      return { type, duration: "PT1H" };
    case "parallel":
      return {
        type,
        branches: [
          {
            name: "branch_a",
            initial: "work",
            states: { work: { type: "task" }, finished: { type: "final", outcome: "success" } },
            transitions: [{ source: "work", trigger: "done", dest: "finished" }],
          },
        ],
        join: { mode: "all", on_failure: "cancel_others" },
      };
    case "subflow":
      return { type, workflow: "child_workflow" };
    case "map":
      return {
        type,
        items: "items",
        max_concurrency: 10,
        iterator: {
          initial: "work",
          states: { work: { type: "task", input: { item: "item" }, output: "outcome" }, finished: { type: "final", outcome: "success", result: { outcome: "outcome" } } },
          transitions: [{ source: "work", trigger: "done", dest: "finished" }],
        },
        output: "results",
      };
    case "final":
      return { type, outcome: "success" };
  }
}

/** The id prefix a new state of this type gets (`task_1`, `approval_2`, ...). */
export function idPrefix(type: StateType): string {
  return type;
}
