// An instance id in a few characters that still tells instances apart.

/** An instance id is 12 digits of time and 20 random: ids started in the same millisecond differ only at the end,
 * so a short form keeps both (the whole id goes in a title beside it). */
export function shortId(id: string): string {
  return id.length > 20 ? `${id.slice(0, 8)}…${id.slice(-8)}` : id;
}
