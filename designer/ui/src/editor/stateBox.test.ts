import { describe, expect, it } from "vitest";
import { splitAtBreaks, stateBox, widestPart, wrappedLines } from "./stateBox";

// Without a canvas (here) a letter counts 7.4 px.
describe("a title's lines", () => {
  it("breaks an id after its underscores, never inside a part that fits a line", () => {
    expect(splitAtBreaks("collect_documents")).toEqual(["collect_", "documents"]);
    expect(splitAtBreaks("a__b_")).toEqual(["a__", "b_"]);
    // 17 letters do not fit 100 px; "collect_" and "documents" each do: two lines, broken at the underscore
    expect(wrappedLines("collect_documents", 100)).toBe(2);
    // letter by letter it would take 2 lines (13 + 13 letters); at its underscores it takes 3
    expect(wrappedLines("abcdefgh_abcdefgh_abcdefgh", 100)).toBe(3);
  });

  it("still breaks a part wider than the line letter by letter", () => {
    expect(wrappedLines("documentsdocuments", 100)).toBe(2);
  });
});

describe("a state's box", () => {
  it("breaks an id after its dots too", () => {
    expect(splitAtBreaks("incident.acknowledged")).toEqual(["incident.", "acknowledged"]);
    expect(wrappedLines("event incident.acknowledged", 100)).toBe(3);
  });

  it("is made wider for a word longer than its title's line, which is then not broken inside", () => {
    // a wait's title line is 118 px at its usual 190 px; "reacknowledgements" (18 letters) is 133 px here
    const box = stateBox({ type: "wait", title: "Wait for reacknowledgements" }, "await_ack");
    expect(box.width).toBeGreaterThan(190);
    expect(box.titleWidth).toBeGreaterThanOrEqual(widestPart("reacknowledgements"));
    expect(box.titleScale).toBe(1);
    expect(box.titleLines).toBe(2);
  });

  it("draws a word too long for the widest node smaller before it breaks it", () => {
    const box = stateBox({ type: "task", title: "Supercalifragilisticexpialidociousnesses" }, "spell");
    expect(box.width).toBe(180 + 120);
    expect(box.titleScale).toBeLessThan(1);
    expect(box.titleScale).toBeGreaterThanOrEqual(0.8);
    expect(box.titleWidth / box.titleScale).toBeGreaterThanOrEqual(widestPart("Supercalifragilisticexpialidociousnesses"));
  });
});
