import { describe, expect, it } from "vitest";
import { GUARD_MOST_WIDTH, labelSize } from "./edgeLabels";

// Without a canvas (here) a character counts 6.6 px.
describe("a transition label's size", () => {
  it("takes its trigger, error kinds and priority whole, however wide", () => {
    // "error (unavailable | rate_limited) p1" was cut to 240 px and showed "… p"
    const size = labelSize({ source: "wait_ack", dest: "escalate", trigger: "error", errors: ["unavailable", "rate_limited"], priority: 1 }, undefined);
    const parts = ["error", "(unavailable | rate_limited)", "p1"].map((text) => text.length * 6.6);
    expect(size.width).toBe(Math.ceil(parts.reduce((a, b) => a + b, 0) + 2 * 4 + 14));
    expect(size.width).toBeGreaterThan(240);
  });

  it("cuts only a long guard, to its most width", () => {
    const guard = "context.customer.segment == 'enterprise' && context.amount >= 100000";
    const size = labelSize({ source: "a", dest: "b", trigger: "go", guard, priority: 2 }, guard);
    expect(size.width).toBe(Math.ceil(2 * 6.6 + GUARD_MOST_WIDTH + 2 * 6.6 + 2 * 4 + 14));
  });
});
