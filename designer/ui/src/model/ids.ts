// State ids: unique, and within the format's identifier rules.

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const IDENTIFIER_MAX = 128;
// A context key, or a dotted path of keys into nested objects (engine/definition/paths.py).
const CONTEXT_PATH = /^[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z_][A-Za-z0-9_-]*)*$/;
const CONTEXT_PATH_MAX = 512;

/** Why `text` is no id (of a workflow, a state), in words; null when it is one. */
export function identifierProblem(text: string): string | null {
  if (!IDENTIFIER.test(text)) return "Use letters, digits, '_' and '-', starting with a letter or '_'.";
  if (text.length > IDENTIFIER_MAX) return `Use at most ${IDENTIFIER_MAX} characters (this one has ${text.length}).`;
  return null;
}

/** Why `text` is no context path (`tier`, `enrichment.company.size`), in words; null when it is one. */
export function contextPathProblem(text: string): string | null {
  if (!CONTEXT_PATH.test(text)) {
    return `'${text}' is not a context path: a key, or keys joined by single dots, each of letters, digits, '_' and '-', starting with a letter or '_'.`;
  }
  if (text.length > CONTEXT_PATH_MAX) return `A context path has at most ${CONTEXT_PATH_MAX} characters (this one has ${text.length}).`;
  return null;
}

/** `prefix_1`, `prefix_2`, ... — the first that is not taken. */
export function freshId(prefix: string, taken: ReadonlySet<string> | Record<string, unknown>): string {
  const has = (id: string) => (taken instanceof Set ? taken.has(id) : Object.prototype.hasOwnProperty.call(taken, id));
  for (let n = 1; ; n += 1) {
    const id = `${prefix}_${n}`;
    if (!has(id)) return id;
  }
}

/** An id for a copy of `id`: `id_copy`, `id_copy_2`, ... */
export function copyId(id: string, taken: ReadonlySet<string>): string {
  const base = `${id}_copy`;
  if (!taken.has(base)) return base;
  return freshId(base, taken);
}
