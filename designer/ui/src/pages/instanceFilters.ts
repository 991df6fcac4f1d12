// The instance list's filters as the address gives them (a bookmark, a link, a hand-edited query string), checked
// before they are asked for: one the list cannot use is named in the page's own words with the values it takes,
// instead of the server's "Validation failed for GET /api/instances?status=bogus: query status: …". The server's
// own refusals of a filter (a rule the page does not know) are read back into the same words by `refusedFilters`.
import { ApiError } from "../api/http";
import type { InstanceStatus } from "../api/types";

export const STATUSES: InstanceStatus[] = ["running", "held", "stuck", "succeeded", "failed", "cancelled"];

/** A filter of the address the list cannot use: its parameter, its value, and what it takes instead. */
export interface FilterProblem {
  name: string;
  value: string;
  words: string;
}

/** What each filter of the address takes, in words (also for the server's refusals). */
const TAKES: Record<string, { label: string; takes: string }> = {
  status: { label: "status", takes: `one of ${STATUSES.join(", ")}` },
  since: { label: "“since” time", takes: "a date and time such as 2026-03-01T09:00:00Z" },
  until: { label: "“until” time", takes: "a date and time such as 2026-03-01T17:00:00Z" },
  version: { label: "version", takes: "a whole number from 1, such as 2" },
  workflow: { label: "workflow id", takes: "letters, digits, '_' and '-', starting with a letter or '_'" },
  state: { label: "state id", takes: "letters, digits, '_' and '-', starting with a letter or '_'" },
  offset: { label: "page position (offset)", takes: "a whole number from 0" },
  limit: { label: "page size (limit)", takes: "a whole number from 1" },
  parent_id: { label: "parent instance", takes: "an instance id" },
  tenant: { label: "tenant", takes: "your own tenant's name" },
};

function problem(name: string, value: string): FilterProblem {
  const { label, takes } = TAKES[name] ?? { label: name, takes: "another value" };
  const shown = value.length > 60 ? `${value.slice(0, 60)}…` : value;
  return { name, value, words: `The ${label} “${shown}” in the address cannot be used as a filter: it takes ${takes}.` };
}

/** The status and time filters of the address no instance list can use (the version and ids are checked by the
 * page itself, with their own words). */
export function addressProblems(search: URLSearchParams): FilterProblem[] {
  const found: FilterProblem[] = [];
  const status = search.get("status");
  if (status && !STATUSES.includes(status as InstanceStatus)) found.push(problem("status", status));
  for (const name of ["since", "until"]) {
    const value = search.get(name);
    if (value && Number.isNaN(Date.parse(value))) found.push(problem(name, value));
  }
  return found;
}

/** The filters a server's 400 answer names (its `errors` keys), in the page's words; none when it is another error. */
export function refusedFilters(error: unknown, search: URLSearchParams): FilterProblem[] {
  if (!(error instanceof ApiError) || error.status !== 400) return [];
  const names = [...new Set((error.problem.errors ?? []).map((e) => e.key).filter((key) => key in TAKES))];
  return names.map((name) => problem(name, search.get(name) ?? ""));
}
