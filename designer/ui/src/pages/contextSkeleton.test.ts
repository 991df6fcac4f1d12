import { describe, expect, it } from "vitest";
import { contextSkeleton, missingRequired } from "./contextSkeleton";

const INCIDENT = {
  type: "object",
  properties: {
    incident_id: { type: "string" },
    severity: { type: "string", enum: ["P1", "P2", "P3"] },
    score: { type: ["integer", "null"], minimum: 1 },
    paged: { type: "boolean" },
    customer: { type: "object", properties: { id: { type: "string" }, tier: { type: "string" } }, required: ["id"] },
    affected: { type: "array", items: { type: "object" } },
    subject: { type: "string" },
  },
  required: ["incident_id", "severity", "score", "paged", "customer", "affected"],
};

describe("the context a new instance is offered", () => {
  it("has every required key, each with a placeholder of its type", () => {
    expect(contextSkeleton(INCIDENT)).toEqual({
      incident_id: "",
      severity: "P1",
      score: 1,
      paged: false,
      customer: { id: "" },
      affected: [],
    });
  });

  it("is empty for a schema that requires nothing (or no schema)", () => {
    expect(contextSkeleton({ type: "object", properties: { note: { type: "string" } } })).toEqual({});
    expect(contextSkeleton(undefined)).toEqual({});
  });
});

describe("the required keys a context lacks", () => {
  it("are named, so the form says so before it sends anything", () => {
    expect(missingRequired(INCIDENT, {})).toEqual(["incident_id", "severity", "score", "paged", "customer", "affected"]);
    expect(missingRequired(INCIDENT, contextSkeleton(INCIDENT))).toEqual([]);
    expect(missingRequired({ required: ["incident_id"] }, { incident_id: "INC-1" })).toEqual([]);
  });
});
