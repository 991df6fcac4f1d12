// The path selected in the Paths panel, as canvas marks: its states and transitions outlined, and each state
// coloured by its share of the path's worst-case time or cost (the most on the path is the deepest colour).
import type { PathReport, PathStep } from "../api/types";
import { formatDollars, formatSeconds } from "../components/format";
import type { Heat, Mark, Marks } from "./marks";

export type PathColour = "time" | "cost" | "off";

export const COLOUR_LABELS: Record<PathColour, string> = {
  time: "worst-case time",
  cost: "worst-case cost",
  off: "no colour",
};

function worstOf(step: PathStep, colour: PathColour): number | null {
  return colour === "cost" ? step.cost_worst : step.worst_s;
}

function heatOf(steps: PathStep[], colour: PathColour): Map<string, Heat> {
  const values = steps.map((step) => worstOf(step, colour));
  const most = Math.max(0, ...values.map((v) => v ?? 0));
  const words = colour === "cost" ? formatDollars : formatSeconds;
  const heat = new Map<string, Heat>();
  steps.forEach((step, i) => {
    const value = values[i] ?? null;
    const level = value === null ? 1 : most > 0 ? value / most : 0;
    heat.set(step.state, { level, label: value === null ? words(null) : `≤ ${words(value)}` });
  });
  return heat;
}

export function selectedPathMarks(path: PathReport, colour: PathColour): Marks {
  const states = new Map<string, Mark>(path.states.map((id) => [id, "visited"]));
  states.set(path.final, "current");
  const transitions = new Map<number, Mark>(path.steps.map((step) => [step.transition, "visited"]));
  return { states, transitions, heat: colour === "off" ? undefined : heatOf(path.steps, colour) };
}
