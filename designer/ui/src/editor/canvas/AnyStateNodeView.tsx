// The pseudo-state that transitions with `source: "*"` leave from: "any state that is not final".
import { Handle, Position, type NodeProps } from "@xyflow/react";
import { memo } from "react";
import type { AnyNode } from "../canvasGraph";

function AnyStateNodeView({ data }: NodeProps<AnyNode>) {
  return (
    <div className="state-node look-any" data-testid="state-any" title="Transitions from any non-final state">
      <div className="state-node-body">
        <div className="state-node-heading">
          <span className="state-icon" aria-hidden="true">
            ∗
          </span>
          <span className="state-title">any state</span>
        </div>
        <div className="state-summary">
          {data.count} transition{data.count === 1 ? "" : "s"}
        </div>
      </div>
      <Handle type="source" position={data.direction === "LR" ? Position.Right : Position.Bottom} className="handle handle-source" isConnectable={false} />
    </div>
  );
}

export default memo(AnyStateNodeView);
