// Where the canvas is when it shows a parallel state's branch: Workflow › review (parallel) › legal, each
// part a way back up.
import { Fragment } from "react";
import { ITERATOR, machineAt, ROOT, type Scope } from "../model/scope";
import type { Workflow } from "../model/workflow";
import { NOTHING, type Selection } from "./selection";

export interface ScopeBreadcrumbProps {
  root: Workflow;
  scope: Scope;
  onOpen: (scope: Scope, selection: Selection) => void;
}

export default function ScopeBreadcrumb({ root, scope, onOpen }: ScopeBreadcrumbProps) {
  return (
    <nav className="scope-breadcrumb" aria-label="Where the canvas is" data-testid="scope-breadcrumb">
      <button type="button" data-testid="scope-root" onClick={() => onOpen(ROOT, NOTHING)}>
        Workflow
      </button>
      {scope.map((step, i) => {
        const name = step.branch === ITERATOR ? "for each item" : String(machineAt(root, scope.slice(0, i + 1))?.name ?? step.branch);
        const last = i === scope.length - 1;
        return (
          <Fragment key={i}>
            <span className="crumb-separator">›</span>
            <button type="button" data-testid={`scope-state-${step.state}`} onClick={() => onOpen(scope.slice(0, i), { states: [step.state], transitions: [] })}>
              {step.state} ({step.branch === ITERATOR ? "map" : "parallel"})
            </button>
            <span className="crumb-separator">›</span>
            {last ? (
              <span aria-current="location" data-testid="scope-current">
                {name}
              </span>
            ) : (
              <button type="button" data-testid={`scope-branch-${name}`} onClick={() => onOpen(scope.slice(0, i + 1), NOTHING)}>
                {name}
              </button>
            )}
          </Fragment>
        );
      })}
    </nav>
  );
}
