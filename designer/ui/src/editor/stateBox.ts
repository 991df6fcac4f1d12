// How big a state is drawn: its look's size (stateStyle.ts), taller when its title wraps (and wider when it would
// wrap to more than three lines). A long title once ran past the node's edge, cut with an ellipsis at every zoom
// and readable nowhere on the canvas; it now wraps to at most TITLE_LINES_MAX lines (the full title on hover and
// in the inspector), and the node grows by a line for each,
// so the layouts (ELK, the server's Graphviz, the layered fallback) keep room for it and nodes do not overlap.
// The lines are counted as the browser breaks them: the title's width measured in its own font, at the width
// the node gives it (set on the title, so both agree). A title breaks only between words, and an id after its
// underscores and dots: a node whose longest word is wider than its title's line is made wider for it (up to
// WIDEST_EXTRA), then its title smaller (down to SMALLEST_TITLE); only a word too long even so is broken inside
// ("Wait for acknowledgeme / nt" was).
import type { State } from "../model/workflow";
import { LOOKS, lookOf, type Look } from "./stateStyle";

export const TITLE_LINES_MAX = 4;
/** One line of the title: 12.5 px at line-height 1.25 (styles.css, .state-node), rounded up. */
const TITLE_LINE = 16;
const TITLE_FONT = '600 12.5px Helvetica, Arial, "DejaVu Sans", sans-serif';
/** The state icon and the gap after it, beside the title's first line. */
const ICON = 18;
/** Padding (10 px a side) and the border of each look (styles.css), which the title cannot use. */
const BORDER: Record<Look, number> = {
  task: 2, choice: 0, approval: 0, wait: 0, parallel: 4, subflow: 2, map: 4, final: 5, "final-success": 5, "final-failure": 5,
};
/** Shapes narrower than their box where the text sits (the diamond's body is 70 % wide, styles.css). */
const TEXT_SHARE: Partial<Record<Look, number>> = { choice: 0.7, approval: 0.85, wait: 0.8 };

export interface StateBox {
  width: number;
  height: number;
  /** The width the title wraps in (px), set on it so the browser breaks where this counted. */
  titleWidth: number;
  /** Lines the title takes, at most TITLE_LINES_MAX (longer titles end in an ellipsis). */
  titleLines: number;
  /** The title's size as a share of its usual 12.5 px: below 1 for a word too long for the widest node. */
  titleScale: number;
}

let measurer: CanvasRenderingContext2D | null | undefined;
const widths = new Map<string, number>();

function textWidth(text: string): number {
  let known = widths.get(text);
  if (known !== undefined) return known;
  if (measurer === undefined) measurer = typeof document === "undefined" ? null : document.createElement("canvas").getContext("2d");
  if (measurer) {
    measurer.font = TITLE_FONT;
    known = measurer.measureText(text).width;
  } else known = text.length * 7.4; // no canvas: a bold 12.5 px letter's usual width
  if (widths.size > 20_000) widths.clear();
  widths.set(text, known);
  return known;
}

/** How many lines `text` takes at `width`, broken as CSS breaks it: at spaces, and inside a word longer than a line
 * (`overflow-wrap: anywhere`). */
export function wrappedLines(text: string, width: number): number {
  let lines = 1;
  let line = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    // An id (`collect_documents`, `incident.acknowledged`) breaks after its underscores and dots (the node sets a
    // <wbr> there), never mid-word while a part fits on a line.
    splitAtBreaks(word).forEach((part, i) => {
      const tried = line ? `${line}${i === 0 ? " " : ""}${part}` : part;
      if (textWidth(tried) <= width) {
        line = tried;
        return;
      }
      if (line) lines += 1;
      line = "";
      // A part wider than the line: broken letter by letter.
      for (const letter of part) {
        if (line && textWidth(line + letter) > width) {
          lines += 1;
          line = letter;
        } else line += letter;
      }
    });
  }
  return lines;
}

/** A word's parts, each ending after an underscore or a dot (the last, where the word ends): where it may break. */
export function splitAtBreaks(word: string): string[] {
  return word.match(/[^_.]*[_.]+|[^_.]+$/g) ?? [word];
}

/** The widest part of `text` that may not be broken (a word, or a part of an id between underscores and dots). */
export function widestPart(text: string): number {
  let widest = 0;
  for (const word of text.split(/\s+/).filter(Boolean)) for (const part of splitAtBreaks(word)) widest = Math.max(widest, textWidth(part));
  return widest;
}

const boxes = new Map<string, StateBox>();
const WIDER = 60;
/** How much wider than its look a node is made at most for a long word of its title (px), in steps of WIDER_STEP. */
const WIDEST_EXTRA = 120;
const WIDER_STEP = 10;
/** The smallest the title is drawn, as a share of 12.5 px, before a word too long for it is broken. */
const SMALLEST_TITLE = 0.8;

function titleWidthAt(look: Look, width: number): number {
  return Math.floor((width - 2 * BORDER[look] - 20) * (TEXT_SHARE[look] ?? 1) - ICON);
}

/** The box of state `id` (drawn with its title, or its id when it has none). */
export function stateBox(state: State | undefined, id: string): StateBox {
  const look = lookOf(state);
  const title = state?.title || id;
  const key = `${look}\u0000${title}`;
  const known = boxes.get(key);
  if (known) return known;
  const base = LOOKS[look];
  // Its look's width while the title takes three lines there; wider by WIDER for a longer one (a question on a
  // narrow diamond), so four lines hold most titles people write.
  let width = base.width;
  let titleWidth = titleWidthAt(look, width);
  if (wrappedLines(title, titleWidth) > 3) {
    width += WIDER;
    titleWidth = titleWidthAt(look, width);
  }
  // Its longest word on a line of its own: the node wider for it, then (past the widest) the title smaller.
  const widest = widestPart(title);
  while (widest > titleWidth && width < base.width + WIDEST_EXTRA) {
    width += WIDER_STEP;
    titleWidth = titleWidthAt(look, width);
  }
  const titleScale = widest > titleWidth ? Math.max(SMALLEST_TITLE, Math.floor((titleWidth / widest) * 100) / 100) : 1;
  const titleLines = Math.min(TITLE_LINES_MAX, wrappedLines(title, titleWidth / titleScale));
  // A diamond grows twice a line's height per line: its text sits in its middle band.
  const box = { width, height: base.height + (titleLines - 1) * TITLE_LINE * (look === "choice" ? 2 : 1), titleWidth, titleLines, titleScale };
  if (boxes.size > 20_000) boxes.clear();
  boxes.set(key, box);
  return box;
}
