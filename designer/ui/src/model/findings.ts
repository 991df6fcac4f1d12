// Validation findings as the server reports them, and how the editor looks them up by location.
import { findingMessage } from "./findingWords";
import { sameScope, scopeOfPointer, scopePointer, type Scope } from "./scope";

export type Severity = "error" | "warning";

export interface Finding {
  code: string;
  severity: Severity;
  message: string;
  pointer: string;
  states: string[];
  transitions: number[];
  line?: number | null;
  column?: number | null;
}

export function escapePointerToken(token: string | number): string {
  return String(token).replace(/~/g, "~0").replace(/\//g, "~1");
}

export function pointerOf(...tokens: (string | number)[]): string {
  return tokens.map((t) => `/${escapePointerToken(t)}`).join("");
}

/** A finding's message as a field shows it (findingWords.ts): warnings say so. */
function wordsOf(finding: Finding): string {
  const message = findingMessage(finding);
  return finding.severity === "warning" ? `Warning: ${message}` : message;
}

/** Messages of the findings at `pointer` exactly, or (with `within`) anywhere below it. */
export function messagesAt(findings: readonly Finding[], pointer: string, within = false): string[] {
  return findings
    .filter((f) => f.pointer === pointer || (within && f.pointer.startsWith(`${pointer}/`)))
    .map(wordsOf);
}

/** The findings at `pointer` or anywhere below it, each with its message as a field shows it. */
export function messagesWithin(findings: readonly Finding[], pointer: string): { finding: Finding; words: string }[] {
  return findings.filter((f) => f.pointer === pointer || f.pointer.startsWith(`${pointer}/`)).map((f) => ({ finding: f, words: wordsOf(f) }));
}

/** Messages per map key below `pointer` (e.g. per assignment of /transitions/3/assign). */
export function messagesByKey(findings: readonly Finding[], pointer: string): Map<string, string[]> {
  const byKey = new Map<string, string[]>();
  for (const f of findings) {
    if (!f.pointer.startsWith(`${pointer}/`)) continue;
    const token = f.pointer.slice(pointer.length + 1).split("/")[0] ?? "";
    const key = token.replace(/~1/g, "/").replace(/~0/g, "~");
    byKey.set(key, [...(byKey.get(key) ?? []), wordsOf(f)]);
  }
  return byKey;
}

export function countBySeverity(findings: readonly Finding[]): { errors: number; warnings: number } {
  let errors = 0;
  for (const f of findings) if (f.severity === "error") errors += 1;
  return { errors, warnings: findings.length - errors };
}

/** Which states and transitions the findings name, with the worst severity of each. */
export function faultMarks(findings: readonly Finding[]): { states: Map<string, Severity>; transitions: Map<number, Severity> } {
  const states = new Map<string, Severity>();
  const transitions = new Map<number, Severity>();
  const worse = (a: Severity | undefined, b: Severity): Severity => (a === "error" || b === "error" ? "error" : "warning");
  for (const f of findings) {
    const located = locate(f);
    for (const id of located.states) states.set(id, worse(states.get(id), f.severity));
    for (const i of located.transitions) transitions.set(i, worse(transitions.get(i), f.severity));
  }
  return { states, transitions };
}

/** The states and transitions a finding is about: its lists, or else what its pointer points into. */
export function locate(finding: Finding): { states: string[]; transitions: number[] } {
  if (finding.states.length || finding.transitions.length) {
    return { states: [...finding.states], transitions: [...finding.transitions] };
  }
  const [head, second] = finding.pointer.split("/").slice(1);
  if (head === "states" && second) return { states: [second.replace(/~1/g, "/").replace(/~0/g, "~")], transitions: [] };
  if ((head === "transitions") && second && /^\d+$/.test(second)) return { states: [], transitions: [Number(second)] };
  if (head === "layout" && second) return { states: [second], transitions: [] };
  return { states: [], transitions: [] };
}

/**
 * A finding as the machine at `scope` sees it: its pointer relative to that machine, and when it is about a
 * branch deeper down, pointing at the parallel state holding that branch. Null when it is about elsewhere.
 */
export function findingIn(finding: Finding, scope: Scope): Finding | null {
  const at = scopeOfPointer(finding.pointer);
  if (at.length < scope.length || !sameScope(at.slice(0, scope.length), scope)) return null;
  const pointer = finding.pointer.slice(scopePointer(scope).length);
  const inner = at[scope.length];
  return inner ? { ...finding, pointer, states: [inner.state], transitions: [] } : { ...finding, pointer };
}

export function findingsIn(findings: readonly Finding[], scope: Scope): Finding[] {
  return findings.flatMap((f) => findingIn(f, scope) ?? []);
}
