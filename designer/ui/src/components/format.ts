// Dates, counts, durations and money as people read them: in the reader's own locale (its digit grouping, its
// decimal mark, where its currency sign goes), so the same figure reads alike on every page and in the charts.

/** The browser's locale (undefined: Intl takes the reader's own). */
const LOCALE = undefined;
const numberFormats = new Map<string, Intl.NumberFormat>();

function numberFormat(options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = JSON.stringify(options);
  let found = numberFormats.get(key);
  if (!found) {
    found = new Intl.NumberFormat(LOCALE, options);
    numberFormats.set(key, found);
  }
  return found;
}

/** A whole number, grouped as the reader's locale groups digits (300,000 / 300.000 / 300 000). */
export function formatCount(n: number | null | undefined): string {
  if (n === null || n === undefined) return "—";
  return numberFormat({ maximumFractionDigits: 0 }).format(n);
}

/** Keys whose numbers are read as written, not as amounts: ids, years, codes (`customer_id`, `year`). */
const AS_WRITTEN = /(^|_)(id|ids|year|code|zip|number|no)$/i;

/** A fact of an approval's request, as the reader reads it: a number grouped in the reader's locale (50,000;
 * 0.5 as it is) unless its key names an id, a year or a code; a text as it is; anything else as JSON. */
export function formatFact(key: string, value: unknown): string {
  if (value === null || value === undefined) return "—";
  if (typeof value === "number" && Number.isFinite(value) && !AS_WRITTEN.test(key)) return numberFormat({ maximumFractionDigits: 20 }).format(value);
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** A number with exactly `digits` decimals, in the reader's locale. */
export function formatDecimal(n: number, digits: number): string {
  return numberFormat({ minimumFractionDigits: digits, maximumFractionDigits: digits }).format(n);
}

/** A share (0.25) as a percentage with `digits` decimals (one unless told), in the reader's locale; null: none. */
export function formatPercent(share: number | null | undefined, digits = 1): string {
  if (share === null || share === undefined) return "—";
  return numberFormat({ style: "percent", minimumFractionDigits: digits, maximumFractionDigits: digits }).format(share);
}

/** `n thing` or `n things`, the count grouped in the reader's locale. */
export function countOf(n: number, thing: string, things = `${thing}s`): string {
  return `${formatCount(n)} ${n === 1 ? thing : things}`;
}

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return "—";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "medium" });
}

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "—";
  if (ms < 1000) return `${formatDecimal(ms, ms < 10 ? 1 : 0)} ms`;
  const s = ms / 1000;
  if (s < 120) return `${formatDecimal(s, 1)} s`;
  const m = s / 60;
  return m < 120 ? `${formatDecimal(m, 1)} min` : `${formatDecimal(m / 60, 1)} h`;
}

/** A duration in seconds (a metric's), as `formatDuration` words it; null means none. */
export function formatDurationSeconds(seconds: number | null | undefined): string {
  return formatDuration(seconds === null || seconds === undefined ? null : seconds * 1000);
}

/** Money: US dollars (the prices' currency), to a hundredth of a cent below a dollar, in the reader's locale. */
export function formatCost(cost: number | null | undefined): string {
  if (cost === null || cost === undefined) return "—";
  const digits = Math.abs(cost) < 1 && cost !== 0 ? 4 : 2;
  return numberFormat({ style: "currency", currency: "USD", minimumFractionDigits: digits, maximumFractionDigits: digits }).format(cost);
}

/** The time of day only, for moments listed under a heading that already gives the date. */
export function formatClock(iso: string | null | undefined): string {
  if (!iso) return "—";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleTimeString(undefined, { timeStyle: "medium" });
}

/** Seconds in the two largest units (`1 d 2 h`, `6 min 40 s`); null means no declared limit. */
export function formatSeconds(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return "no limit";
  if (seconds < 60) return `${numberFormat({ maximumFractionDigits: 1 }).format(seconds)} s`;
  const units: [string, number][] = [["d", 86_400], ["h", 3_600], ["min", 60], ["s", 1]];
  let rest = Math.round(seconds);
  const parts: string[] = [];
  for (const [unit, size] of units) {
    if (rest >= size) {
      parts.push(`${formatCount(Math.floor(rest / size))} ${unit}`);
      rest %= size;
    }
  }
  return parts.slice(0, 2).join(" ");
}

/** Money in dollars, to a hundredth of a cent; null means unknown. */
export function formatDollars(amount: number | null | undefined): string {
  if (amount === null || amount === undefined) return "unknown";
  return numberFormat({ style: "currency", currency: "USD", minimumFractionDigits: 0, maximumFractionDigits: 4 }).format(amount);
}

/** How far a moment is from now, in words: "in 3 h", "2 days ago". */
export function formatRelative(iso: string | null | undefined, now: number = Date.now()): string {
  if (!iso) return "—";
  const at = new Date(iso).getTime();
  if (Number.isNaN(at)) return iso;
  const ms = at - now;
  const minutes = Math.round(Math.abs(ms) / 60000);
  const amount =
    minutes < 1 ? "less than a minute" : minutes < 120 ? `${minutes} min` : minutes < 48 * 60 ? `${Math.round(minutes / 60)} h` : `${Math.round(minutes / 1440)} days`;
  return ms >= 0 ? `in ${amount}` : `${amount} ago`;
}
