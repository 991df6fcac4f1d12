// Where a state added from the palette goes (freeSpot.ts): clear of states, lines and labels — the labels where
// the canvas draws them, after keeping them apart (edgeLabels.ts).
import { describe, expect, it } from "vitest";
import { drawingOf, grown, overlaps, segmentCrossesBox, type Box, type Drawing, type EdgeInput } from "./canvas/drawing";
import { placeLabels } from "./canvas/edgeLabels";
import { freeSpot } from "./freeSpot";

const TASK = { width: 180, height: 64 };
const WIDE_LABEL = { width: 240, height: 17 };

function edge(id: string, source: string, target: string, label = WIDE_LABEL): EdgeInput {
  return { id, source, target, siblingIndex: 0, siblingCount: 1, reversed: false, label };
}

function drawing(boxes: Record<string, Box>, edges: EdgeInput[], direction: "TB" | "LR" = "TB"): Drawing {
  return drawingOf(new Map(Object.entries(boxes)), edges, direction);
}

/** Every label's box where the canvas draws it. */
function labelBoxes(d: Drawing): Box[] {
  const places = placeLabels(d);
  return d.edges.flatMap((e) => {
    if (!e.labelSize) return [];
    const at = places.get(e.id)?.at ?? e.label;
    return [{ x: at.x - e.labelSize.width / 2, y: at.y - e.labelSize.height / 2, ...e.labelSize }];
  });
}

function expectClear(d: Drawing, box: Box): void {
  for (const other of d.boxes.values()) expect(overlaps(grown(box, 20), other)).toBe(false);
  for (const label of labelBoxes(d)) expect(overlaps(grown(box, 8), label)).toBe(false);
  for (const e of d.edges) e.points.forEach((p, i) => i > 0 && expect(segmentCrossesBox(e.points[i - 1]!, p, grown(box, 8))).toBe(false));
}

describe("freeSpot", () => {
  it("puts the new state below the selected one when that is free", () => {
    const d = drawing({ a: { x: 0, y: 0, ...TASK } }, []);
    expect(freeSpot(d, TASK, { after: d.boxes.get("a")!, centre: { x: 0, y: 0 } })).toEqual({ x: 0, y: 128 });
  });

  it("goes right of the selected one in a left-right drawing", () => {
    const d = drawing({ a: { x: 0, y: 0, ...TASK } }, [], "LR");
    const at = freeSpot(d, TASK, { after: d.boxes.get("a")!, centre: { x: 0, y: 0 } });
    expect(at.x).toBeGreaterThan(TASK.width);
    expect(at.y).toBe(0);
  });

  it("goes beside a state already below the selected one", () => {
    const d = drawing({ a: { x: 0, y: 0, ...TASK }, b: { x: 0, y: 128, ...TASK } }, []);
    const at = freeSpot(d, TASK, { after: d.boxes.get("a")!, centre: { x: 0, y: 0 } });
    expectClear(d, { ...at, ...TASK });
    expect(at.y).toBe(128);
  });

  it("keeps clear of a transition's line", () => {
    // A line straight down through the place below `a`.
    const d = drawing({ a: { x: 0, y: 0, ...TASK }, top: { x: 0, y: -400, ...TASK }, bottom: { x: 0, y: 600, ...TASK } }, [edge("t", "top", "bottom", { width: 30, height: 17 })]);
    const at = freeSpot(d, TASK, { after: d.boxes.get("a")!, centre: { x: 0, y: 0 } });
    expectClear(d, { ...at, ...TASK });
  });

  it("keeps clear of a label where the canvas moved it, not only of its line's middle", () => {
    // A wide label on a line right of the place below `a`; a state over the line's middle makes the canvas slide
    // the label down the line, into that place.
    const boxes = {
      a: { x: 0, y: 0, ...TASK },
      top: { x: 150, y: -460, ...TASK },
      bottom: { x: 150, y: 600, ...TASK },
      middle: { x: 210, y: 70, width: 60, height: 50 },
    };
    const d = drawing(boxes, [edge("t", "top", "bottom")]);
    const moved = placeLabels(d).get("t");
    expect(moved).toBeDefined();
    const below = { x: 0, y: 128, ...TASK };
    const labelThere = labelBoxes(d)[0]!;
    expect(overlaps(grown(below, 8), labelThere)).toBe(true); // the label now lies where the state would go
    const at = freeSpot(d, TASK, { after: d.boxes.get("a")!, centre: { x: 0, y: 0 } });
    expect(at).not.toEqual({ x: below.x, y: below.y });
    expectClear(d, { ...at, ...TASK });
  });

  it("takes the label places it is given", () => {
    const d = drawing({ a: { x: 0, y: 0, ...TASK }, top: { x: 150, y: -460, ...TASK }, bottom: { x: 150, y: 600, ...TASK } }, [edge("t", "top", "bottom")]);
    const label = d.edges[0]!.label;
    const unmoved = freeSpot(d, TASK, { after: d.boxes.get("a")!, centre: { x: 0, y: 0 } }, new Map());
    expect(unmoved).toEqual({ x: 0, y: 128 });
    const onto = new Map([["t", { from: label, at: { x: label.x, y: 160 } }]]);
    expect(freeSpot(d, TASK, { after: d.boxes.get("a")!, centre: { x: 0, y: 0 } }, onto)).not.toEqual({ x: 0, y: 128 });
  });

  it("with nothing selected, goes near the middle of the view, clear of everything", () => {
    const d = drawing({ a: { x: -90, y: -32, ...TASK } }, []);
    const at = freeSpot(d, TASK, { centre: { x: 0, y: 0 } });
    expectClear(d, { ...at, ...TASK });
    expect(Math.hypot(at.x, at.y)).toBeLessThan(400);
  });
});
