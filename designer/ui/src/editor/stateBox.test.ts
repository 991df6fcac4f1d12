import { describe, expect, it } from "vitest";
import { splitAtUnderscores, wrappedLines } from "./stateBox";

// Without a canvas (here) a letter counts 7.4 px.
describe("a title's lines", () => {
  it("breaks an id after its underscores, never inside a part that fits a line", () => {
    expect(splitAtUnderscores("collect_documents")).toEqual(["collect_", "documents"]);
    expect(splitAtUnderscores("a__b_")).toEqual(["a__", "b_"]);
    // 17 letters do not fit 100 px; "collect_" and "documents" each do: two lines, broken at the underscore
    expect(wrappedLines("collect_documents", 100)).toBe(2);
    // letter by letter it would take 2 lines (13 + 13 letters); at its underscores it takes 3
    expect(wrappedLines("abcdefgh_abcdefgh_abcdefgh", 100)).toBe(3);
  });

  it("still breaks a part wider than the line letter by letter", () => {
    expect(wrappedLines("documentsdocuments", 100)).toBe(2);
  });
});
