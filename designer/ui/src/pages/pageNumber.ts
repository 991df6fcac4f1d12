// A page number typed into a pager, read as the reader writes numbers: whole, with their locale's digit grouping
// (6,001 in English, 6.001 in German, 6 001 in French) — and nothing else. "1.5" once became page 15 (every dot
// was dropped as if it grouped digits); a dot or comma that is the locale's decimal mark, or that does not group
// three digits, is refused in words instead. A number past the last page goes to the last, below 1 to the first.

export type PageChoice = { page: number; clamped: boolean } | { problem: string };

function separators(): { group: string; decimal: string } {
  const parts = new Intl.NumberFormat().formatToParts(1234567.5);
  return {
    group: parts.find((p) => p.type === "group")?.value ?? ",",
    decimal: parts.find((p) => p.type === "decimal")?.value ?? ".",
  };
}

const SPACES = /[\s\u00a0\u202f]/;

/** The page `typed` names, between 1 and `pages`, or why it names none. */
export function readPageNumber(typed: string, pages: number): PageChoice {
  const text = typed.trim();
  const refuse = (why: string): PageChoice => ({ problem: `“${text}” is not a page number: ${why} from 1 to ${pages.toLocaleString()}.` });
  if (text === "") return refuse("type a whole number");
  const { group, decimal } = separators();
  if (text.startsWith("-")) return refuse("pages are numbered");
  // A group mark that is also a space (French, Swiss) is written with any space.
  const groupMark = SPACES.test(group) ? SPACES.source : escape(group);
  const grouped = new RegExp(`^\\d{1,3}((${groupMark}|${SPACES.source})\\d{3})+$`);
  let digits: string;
  if (/^\d+$/.test(text)) digits = text;
  else if (grouped.test(text)) digits = text.replace(new RegExp(`${groupMark}|${SPACES.source}`, "g"), "");
  else if (text.includes(decimal) && /^[\d\s\u00a0\u202f.,']+$/.test(text)) return refuse("give a whole number");
  else return refuse("type a whole number");
  const wanted = Number(digits);
  if (wanted < 1) return { page: 1, clamped: true };
  if (wanted > pages) return { page: pages, clamped: true };
  return { page: wanted, clamped: false };
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
