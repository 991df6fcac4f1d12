// How a guard is written on its transition's label when it is too long for the label: cut so that the labels
// of the transitions leaving one state stay different. Guards that share a beginning
// (`context.score >= 80 && context.region == "EU"`, `… == "US"`) lost their difference to the label's
// ellipsis and looked the same; here the part where a guard differs from its siblings is kept, after its
// beginning: `context.score … region == "EU"`. The label's tooltip, and the label of a selected transition,
// show the whole guard.
import { createContext } from "react";
import type { Transition } from "../../model/workflow";
import { ANY_SOURCE } from "../../model/workflow";

/** About this many characters of a guard fit on a label (240 px, less its padding, at 11 px monospace, 6.6 px
 * a character, less its brackets); a trigger before it and a priority after it take their own room. */
const GUARD_ROOM = 31;
const LEAST_ROOM = 16;
const MONO_PX = 6.6;
const TRIGGER_PX = 7;
const GAP_PX = 4;
const GAP = " … ";

/** The guard text each guarded transition's label shows, by transition index (the whole guard when it fits). */
export const GuardTexts = createContext<ReadonlyMap<number, string>>(new Map());

/** Room for the guard (characters) on a label that also shows `trigger` and `priority`. */
export function guardRoom(trigger: string | null | undefined, priority: number | null | undefined): number {
  const besides = (text: string | null | undefined, px: number) => (text ? Math.ceil((text.length * px + GAP_PX) / MONO_PX) : 0);
  return Math.max(LEAST_ROOM, GUARD_ROOM - besides(trigger, TRIGGER_PX) - besides(priority ? `p${priority}` : null, MONO_PX));
}

/** The shown text of every guard of a workflow's transitions, by index, too long ones cut apart from their
 * siblings (the other guarded transitions leaving one of the same states). */
export function guardTexts(transitions: readonly Transition[]): Map<number, string> {
  const leaving = new Map<string, number[]>();
  const sourcesOf = (index: number): string[] => {
    const source = transitions[index]!.source;
    return source === ANY_SOURCE ? [ANY_SOURCE] : Array.isArray(source) ? source : [source];
  };
  transitions.forEach((t, index) => {
    if (!t.guard) return;
    for (const source of sourcesOf(index)) leaving.set(source, [...(leaving.get(source) ?? []), index]);
  });
  const shown = new Map<number, string>();
  transitions.forEach((t, index) => {
    if (!t.guard) return;
    const room = guardRoom(t.trigger, t.priority);
    if (t.guard.length <= room) {
      shown.set(index, t.guard);
      return;
    }
    const siblings = new Set(sourcesOf(index).flatMap((source) => leaving.get(source) ?? []));
    const others = [...siblings].map((i) => transitions[i]!.guard!).filter((g) => g !== t.guard);
    shown.set(index, cutGuard(t.guard, others, room));
  });
  // Two siblings cut alike after all (their difference too long to show): the whole guards, as before.
  for (const indices of leaving.values()) {
    const seen = new Map<string, number>();
    for (const index of indices) {
      const text = shown.get(index)!;
      const twin = seen.get(text);
      if (twin !== undefined && transitions[twin]!.guard !== transitions[index]!.guard) {
        shown.set(twin, transitions[twin]!.guard!);
        shown.set(index, transitions[index]!.guard!);
      }
      seen.set(text, index);
    }
  }
  return shown;
}

/** `guard` in about `room` characters, keeping where it differs from each of `others`. */
export function cutGuard(guard: string, others: readonly string[], room: number): string {
  if (guard.length <= room) return guard;
  // Where the guard stops agreeing with the sibling most like it.
  const from = Math.max(0, ...others.map((other) => sharedStart(guard, other)));
  // The difference lies in the beginning shown (a few characters of it): the beginning is enough.
  if (from + 3 < room) return `${guard.slice(0, room - 1).trimEnd()}…`;
  // The term where it differs (from its clause's start when that is near), to the end when it fits; before it
  // the guard's first words when there is room left for them.
  const start = termStart(guard, from, room - 8);
  const rest = guard.slice(start);
  const part = rest.length <= room - 1 ? rest : `${rest.slice(0, room - 2).trimEnd()}…`;
  const head = headOf(guard, Math.min(start, room - part.length - GAP.length));
  return head ? `${head}${GAP}${part}` : `…${part}`;
}

function sharedStart(a: string, b: string): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n += 1;
  return n;
}

/** The guard's first words, up to `most` characters (nothing when its first word is longer; at least 6). */
function headOf(guard: string, most: number): string {
  if (most < 6) return "";
  const cut = guard.lastIndexOf(" ", most);
  return cut > 0 ? guard.slice(0, cut).trimEnd() : "";
}

/** Where the term holding position `at` begins, at most `most` before it: its clause (after `&&`, `||`, `(`),
 * else its name part (after a space or a dot), else just before `at`. */
function termStart(guard: string, at: number, most: number): number {
  const from = Math.max(0, at - most);
  for (let i = from; i <= at; i += 1) {
    const before = guard.slice(Math.max(0, i - 3), i);
    if (i === 0 || before.endsWith("&& ") || before.endsWith("|| ") || before.endsWith("(")) return i;
  }
  for (let i = from; i <= at; i += 1) if (" .".includes(guard[i - 1] ?? " ")) return i;
  return Math.max(0, at - 2);
}
