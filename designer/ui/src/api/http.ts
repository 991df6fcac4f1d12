// The one way the UI talks to the server: JSON over fetch, the session cookie sent by the browser, the
// CSRF token echoed on unsafe methods, and every failure turned into an ApiError carrying the server's
// problem+json `detail` in words.
import type { Finding } from "../model/findings";

const CSRF_COOKIE = "sw_csrf";
const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  findings?: Finding[];
  errors?: { key: string; message: string; source?: string }[];
  /** Why the browser could not send a request at all (its own words, e.g. "Failed to fetch"): for a developer's
   * console, never shown to the person. */
  cause?: string;
}

/** The words for a request that never reached the server (status 0): no browser jargon. */
export const UNREACHABLE = "The server cannot be reached.";

export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem;

  constructor(status: number, problem: Problem) {
    super(describeProblem(status, problem));
    this.name = "ApiError";
    this.status = status;
    this.problem = problem;
  }

  /** The last segment of the problem type: `invalid-definition`, `csrf`, `not-found`, ... */
  get slug(): string {
    return (this.problem.type ?? "").split("/").pop() ?? "";
  }

  get findings(): Finding[] {
    return this.problem.findings ?? [];
  }
}

function describeProblem(status: number, problem: Problem): string {
  const detail = problem.detail ?? problem.title ?? `The server answered ${status}.`;
  const fieldErrors = (problem.errors ?? []).map((e) => `${e.key}: ${e.message}`);
  return fieldErrors.length ? `${detail} (${fieldErrors.join("; ")})` : detail;
}

/** Listeners told when the server says the session is gone (401), so the app can show the login page. */
const unauthenticatedListeners = new Set<() => void>();

export function onUnauthenticated(listener: () => void): () => void {
  unauthenticatedListeners.add(listener);
  return () => unauthenticatedListeners.delete(listener);
}

function csrfToken(): string | null {
  for (const part of document.cookie.split(";")) {
    const [name, ...rest] = part.trim().split("=");
    if (name === CSRF_COOKIE) return decodeURIComponent(rest.join("="));
  }
  return null;
}

/** Whether the browser may hold a session: its readable CSRF cookie (set and cleared with the session cookie,
 * which scripts cannot read) is there. Without it, asking who is signed in would only get a 401 — which the
 * browser logs as an error on every first visit. */
export function mayBeSignedIn(): boolean {
  return Boolean(csrfToken());
}

export type Query = Record<string, string | number | boolean | null | undefined>;

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== null && value !== undefined && value !== "") params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

async function send(method: string, path: string, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = { Accept: "application/json, application/problem+json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (UNSAFE.has(method)) {
    const token = csrfToken();
    if (token) headers["X-CSRF-Token"] = token;
  }
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
    });
  } catch (error) {
    throw new ApiError(0, { type: "unreachable", detail: UNREACHABLE, cause: error instanceof Error ? error.message : String(error) });
  }
  if (!response.ok) {
    const problem = await readProblem(response);
    if (response.status === 401 && !path.endsWith("/auth/login")) unauthenticatedListeners.forEach((l) => l());
    throw new ApiError(response.status, problem);
  }
  return response;
}

/** `request`, whose failure to reach the server also says what became of the person's work (`kept`, a sentence):
 * "The server cannot be reached. Your changes are kept in this tab: …". Other failures are passed on as they are. */
export async function sayingWhatIsKept<T>(request: Promise<T>, kept: string): Promise<T> {
  try {
    return await request;
  } catch (e) {
    if (e instanceof ApiError && e.status === 0) throw new ApiError(0, { ...e.problem, detail: `${e.problem.detail ?? UNREACHABLE} ${kept}` });
    throw e;
  }
}

async function readProblem(response: Response): Promise<Problem> {
  const text = await response.text();
  try {
    const parsed = JSON.parse(text) as Problem;
    if (parsed && typeof parsed === "object") return { status: response.status, ...parsed };
  } catch {
    // Not JSON (a proxy's error page): say what status it was.
  }
  return { status: response.status, detail: text.trim().slice(0, 300) || `${response.status} ${response.statusText}` };
}

export async function getJson<T>(path: string, query?: Query): Promise<T> {
  const response = await send("GET", withQuery(path, query));
  return (await response.json()) as T;
}

export async function sendJson<T>(method: "POST" | "PUT" | "PATCH" | "DELETE", path: string, body?: unknown, query?: Query): Promise<T> {
  const response = await send(method, withQuery(path, query), body);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

/** A binary or text download (diagrams): the body as a Blob, with the server's file name. */
export async function fetchFile(method: "GET" | "POST", path: string, body?: unknown, query?: Query): Promise<{ blob: Blob; filename: string | null }> {
  const response = await send(method, withQuery(path, query), body);
  const disposition = response.headers.get("Content-Disposition") ?? "";
  const match = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition);
  return { blob: await response.blob(), filename: match ? decodeURIComponent(match[1]!) : null };
}
