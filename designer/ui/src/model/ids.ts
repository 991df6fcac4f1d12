// State ids: unique, and within the format's identifier rules.

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;

export function isIdentifier(text: string): boolean {
  return IDENTIFIER.test(text) && text.length <= 128;
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
