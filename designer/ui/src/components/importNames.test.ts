import { describe, expect, it } from "vitest";
import { idFromDocument, idFromName, placeWords } from "./importNames";

describe("the id proposed for an imported workflow", () => {
  it("is the machine's id of pasted XState (or a definition), made an id", () => {
    expect(idFromDocument('{"id": "support_chat", "initial": "greeting", "states": {}}')).toBe("support_chat");
    expect(idFromDocument('{"id": "Support chat v2!", "states": {}}')).toBe("Support_chat_v2");
    expect(idFromDocument('{"StartAt": "A", "States": {}}')).toBeNull();
    expect(idFromDocument('{"id": "support_chat", "states": {')).toBeNull(); // not whole yet
  });

  it("is an SCXML document's name", () => {
    expect(idFromDocument('<?xml version="1.0"?>\n<scxml xmlns="http://www.w3.org/2005/07/scxml" name="door lock" initial="closed">')).toBe("door_lock");
    expect(idFromDocument("<scxml initial='closed'></scxml>")).toBeNull();
  });

  it("is a file's name without its extensions", () => {
    expect(idFromName("Order Refund.asl.json")).toBe("Order_Refund");
  });
});

describe("where a finding of an import is", () => {
  it("says its line and column when the importer gives them", () => {
    expect(placeWords({ line: 12, column: 5 })).toBe("line 12, column 5");
    expect(placeWords({ line: 12, column: null })).toBe("line 12");
    expect(placeWords({})).toBeNull();
  });
});
