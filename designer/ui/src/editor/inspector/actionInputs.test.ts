// An action's input schema in the analyst's words (actionInputs.ts): each input's type in plain words, which
// required keys the task's input mapping does not give yet, and the mapping with those added.
import { describe, expect, it } from "vitest";
import { actionInputs, describeType, inputsNotTaken, missingInputs, startingExpression, withMissingInputs } from "./actionInputs";

const MAIL = {
  type: "object",
  required: ["to", "subject"],
  additionalProperties: false,
  properties: {
    to: { type: "string", format: "email", description: "  Who gets the mail. " },
    subject: { type: "string" },
    priority: { enum: ["low", "high"] },
    copies: { type: "integer", minimum: 1 },
  },
};

describe("describeType", () => {
  it.each([
    [{ type: "string" }, "text"],
    [{ type: "number" }, "number"],
    [{ type: "integer" }, "whole number"],
    [{ type: "boolean" }, "yes/no"],
    [{ type: "object", properties: { a: {} } }, "object"],
    [{ type: "array" }, "list"],
    [{ type: "null" }, "empty"],
    [{ enum: ["a", "b"] }, "one of: a, b"],
    [{ type: "string", enum: ["low", "high"] }, "one of: low, high"],
    [{ enum: [1, true, null] }, "one of: 1, yes, empty"],
    [{ enum: ["a", "b", "c", "d", "e", "f", "g", "h"] }, "one of: a, b, c, d, e, f and 2 more"],
    [{ const: "urgent" }, "always urgent"],
    [{ type: ["string", "null"] }, "text or empty"],
    [{ type: "string", format: "date-time" }, "date and time"],
    [{ type: "string", format: "email" }, "email address"],
    [{ type: "string", format: "something-else" }, "text"],
    [{ type: "integer", minimum: 1, maximum: 5 }, "whole number, 1 to 5"],
    [{ type: "number", minimum: 0 }, "number, at least 0"],
    [{ type: "array", items: { type: "string" } }, "list of text"],
    [{ type: "array", items: { type: "integer" } }, "list of whole numbers"],
    [{ type: "array", items: { type: "object", properties: {} } }, "list of objects"],
    [{ type: "array", items: { enum: ["x", "y"] } }, "list, each one of: x, y"],
    [{ anyOf: [{ type: "string" }, { type: "number" }] }, "text or number"],
    [{ oneOf: [{ type: "string" }, {}] }, "anything"],
    [{ allOf: [{ description: "no type here" }, { type: "boolean" }] }, "yes/no"],
    [{ properties: { a: {} } }, "object"],
    [{}, "anything"],
    [true, "anything"],
    [null, "anything"],
  ])("%j is %s", (schema, words) => {
    expect(describeType(schema)).toBe(words);
  });

  it("follows a $ref within the schema it belongs to, and leaves one to elsewhere alone", () => {
    const root = { $defs: { level: { enum: ["low", "high"] } }, definitions: { when: { type: "string", format: "date" } } };
    expect(describeType({ $ref: "#/$defs/level" }, root)).toBe("one of: low, high");
    expect(describeType({ $ref: "#/definitions/when" }, root)).toBe("date");
    expect(describeType({ type: "array", items: { $ref: "#/$defs/level" } }, root)).toBe("list, each one of: low, high");
    expect(describeType({ $ref: "#/$defs/missing" }, root)).toBe("anything");
    expect(describeType({ $ref: "https://example.com/s.json" }, root)).toBe("anything");
    const loop = { $defs: { a: { $ref: "#/$defs/a" } } };
    expect(describeType({ $ref: "#/$defs/a" }, loop)).toBe("anything");
  });
});

describe("actionInputs", () => {
  it("lists the required inputs first, then the optional ones, each with its type, description and whether it is given", () => {
    expect(actionInputs(MAIL, { subject: "'Hi'", priority: "'low'" })).toEqual([
      { name: "to", type: "email address", required: true, description: "Who gets the mail.", given: false },
      { name: "subject", type: "text", required: true, description: null, given: true },
      { name: "priority", type: "one of: low, high", required: false, description: null, given: true },
      { name: "copies", type: "whole number, at least 1", required: false, description: null, given: false },
    ]);
  });

  it("lists a required key the schema does not describe, as anything, once", () => {
    expect(actionInputs({ required: ["ref", "ref"] }, undefined)).toEqual([{ name: "ref", type: "anything", required: true, description: null, given: false }]);
  });

  it("reads a schema that is a $ref at the top", () => {
    const schema = { $ref: "#/$defs/input", $defs: { input: { required: ["id"], properties: { id: { type: "integer", description: "The order" } } } } };
    expect(actionInputs(schema, {})).toEqual([{ name: "id", type: "whole number", required: true, description: "The order", given: false }]);
  });

  it("lists nothing for what is not a schema object", () => {
    expect(actionInputs(null, {})).toEqual([]);
    expect(actionInputs(["to"], {})).toEqual([]);
  });
});

describe("missingInputs", () => {
  it("is every required key when the task has no input mapping", () => {
    expect(missingInputs(MAIL, undefined)).toEqual(["to", "subject"]);
    expect(missingInputs(MAIL, {})).toEqual(["to", "subject"]);
  });

  it("is the required keys the mapping does not give, in the schema's order, whatever their expressions", () => {
    expect(missingInputs(MAIL, { subject: "null" })).toEqual(["to"]);
    expect(missingInputs(MAIL, { priority: "'low'", to: "" })).toEqual(["subject"]);
    expect(missingInputs(MAIL, { to: "email", subject: "'Hi'" })).toEqual([]);
  });

  it("is nothing when the schema requires nothing, or requires what is not a name", () => {
    expect(missingInputs({ type: "object", properties: { a: {} } }, {})).toEqual([]);
    expect(missingInputs({ required: "to" }, {})).toEqual([]);
    expect(missingInputs({ required: [1, "to"] }, {})).toEqual(["to"]);
  });

  it("does not take a key inherited by every object for one the mapping gives", () => {
    expect(missingInputs({ required: ["constructor", "toString"] }, {})).toEqual(["constructor", "toString"]);
  });
});

describe("inputsNotTaken", () => {
  it("is the keys given that a closed schema does not name", () => {
    expect(inputsNotTaken(MAIL, { to: "email", cc: "boss", bcc: "x" })).toEqual(["cc", "bcc"]);
    expect(inputsNotTaken({ ...MAIL, additionalProperties: true }, { cc: "boss" })).toEqual([]);
    expect(inputsNotTaken(MAIL, undefined)).toEqual([]);
  });
});

describe("withMissingInputs", () => {
  it("adds each missing key after the entries given, reading the context value of the same name", () => {
    const input = { subject: "'Hi'" };
    const next = withMissingInputs(input, missingInputs(MAIL, input));
    expect(next).toEqual({ subject: "'Hi'", to: "to" });
    expect(Object.keys(next)).toEqual(["subject", "to"]);
    expect(input).toEqual({ subject: "'Hi'" });
  });

  it("starts an input mapping the task does not have, and keeps a key given already as it is", () => {
    expect(withMissingInputs(undefined, ["to", "subject"])).toEqual({ to: "to", subject: "subject" });
    expect(withMissingInputs({ to: "lead.email" }, ["to"])).toEqual({ to: "lead.email" });
  });

  it("gives null to a key no CEL name can read", () => {
    expect(startingExpression("customer_email")).toBe("customer_email");
    expect(startingExpression("first-name")).toBe("null");
    expect(startingExpression("in")).toBe("null");
    expect(startingExpression("2fa")).toBe("null");
  });
});
