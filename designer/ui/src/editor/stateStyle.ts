// How each state type looks: the one table the canvas nodes and the legend both read, so they agree.
import type { State, StateType } from "../model/workflow";

export type Look = StateType | "final-success" | "final-failure";

export interface LookStyle {
  label: string;
  icon: string;
  width: number;
  height: number;
}

export const LOOKS: Record<Look, LookStyle> = {
  task: { label: "Task", icon: "⚙", width: 180, height: 64 },
  choice: { label: "Choice", icon: "◆", width: 160, height: 80 },
  approval: { label: "Approval", icon: "☺", width: 200, height: 68 },
  wait: { label: "Wait", icon: "◷", width: 190, height: 68 },
  parallel: { label: "Parallel", icon: "‖", width: 200, height: 76 },
  subflow: { label: "Subflow", icon: "⊞", width: 180, height: 64 },
  map: { label: "Map", icon: "↻", width: 200, height: 76 },
  final: { label: "Final", icon: "●", width: 160, height: 56 },
  "final-success": { label: "Final: success", icon: "●", width: 160, height: 56 },
  "final-failure": { label: "Final: failure", icon: "✖", width: 160, height: 56 },
};

export const LEGEND_LOOKS: Look[] = [
  "task",
  "choice",
  "approval",
  "wait",
  "parallel",
  "subflow",
  "map",
  "final-success",
  "final-failure",
];

export function lookOf(state: State | undefined): Look {
  if (!state) return "task";
  if (state.type === "final") return state.outcome === "failure" ? "final-failure" : "final-success";
  return state.type in LOOKS ? state.type : "task";
}

/** The second line of a node: what the state does, in a few words. */
export function stateSummary(state: State): string {
  switch (state.type) {
    case "task":
      return [state.agent, state.action].filter(Boolean).join(" · ");
    case "approval": {
      const who = [...(state.approvers?.roles ?? []), ...(state.approvers?.users ?? [])];
      return who.length ? `by ${who.join(", ")}` : "no approvers";
    }
    case "wait":
      if (state.event?.type) return `event ${state.event.type}`;
      if (state.duration) return `for ${state.duration}`;
      return state.deadline ? `until ${state.deadline}` : "";
    case "parallel": {
      const names = (state.branches ?? []).map((b) => b.name);
      return `${names.length} branch${names.length === 1 ? "" : "es"}: ${names.join(", ")}`;
    }
    case "subflow":
      return state.workflow ? `runs ${state.workflow}${state.version ? ` v${state.version}` : ""}` : "";
    case "map":
      return `for each item of ${state.items ?? "?"}${state.workflow ? ` · runs ${state.workflow}` : ""}, ${state.max_concurrency ?? 10} at a time`;
    case "final":
      return state.outcome === "failure" ? "failure" : "success";
    default:
      return "";
  }
}
