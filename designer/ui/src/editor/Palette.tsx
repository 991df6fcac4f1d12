// The states an analyst can add: drag one onto the canvas, or press it to add it in view.
import type { DragEvent } from "react";
import type { StateType } from "../model/workflow";
import { PALETTE_MIME } from "./canvas/paletteDrag";
import { LOOKS, type Look } from "./stateStyle";

const ITEMS: { type: StateType; look: Look; hint: string }[] = [
  { type: "task", look: "task", hint: "Runs an action, then done or error" },
  { type: "choice", look: "choice", hint: "Decides by guards, automatically" },
  { type: "approval", look: "approval", hint: "Waits for people to approve or reject" },
  { type: "wait", look: "wait", hint: "Waits for a time or an event" },
  { type: "parallel", look: "parallel", hint: "Runs branches side by side, then joins" },
  { type: "subflow", look: "subflow", hint: "Runs another workflow as a child" },
  { type: "map", look: "map", hint: "Runs a flow once per item of a list" },
  { type: "final", look: "final-success", hint: "Ends the instance (success or failure)" },
];

export default function Palette({ disabled, onAdd }: { disabled: boolean; onAdd: (type: StateType) => void }) {
  const start = (event: DragEvent, type: StateType) => {
    event.dataTransfer.setData(PALETTE_MIME, type);
    event.dataTransfer.effectAllowed = "copy";
  };
  return (
    <section className="palette" aria-label="Add a state">
      <h2>Add a state</h2>
      {ITEMS.map(({ type, look, hint }) => (
        <button
          key={type}
          type="button"
          className={`palette-item look-${look}`}
          draggable={!disabled}
          disabled={disabled}
          data-testid={`palette-${type}`}
          title={hint}
          onDragStart={(e) => start(e, type)}
          onClick={() => onAdd(type)}
        >
          <span className="palette-swatch" aria-hidden="true">
            {LOOKS[look].icon}
          </span>
          <span>
            <span className="palette-label">{LOOKS[type === "final" ? "final" : look].label}</span>
            <span className="palette-hint">{hint}</span>
          </span>
        </button>
      ))}
    </section>
  );
}
