// The order in which a flow runs, for the layouts to read as their model order. A stored definition's states
// come back in key order (the deployed JSON is canonical, its keys sorted), not in the order they were
// written; ELK's model-order cycle breaking took that order for the flow's and turned every transition from a
// later name to an earlier one — `discount_gate` → `apply_discount` — into a step up the page, with routes
// looping round the drawing. Here the order comes from the transitions themselves: a depth-first walk from
// the initial state (then from the `*` pseudo-state, then from any state not reached), states listed in
// reverse post-order, so every transition comes before its target except one that goes back into a cycle.

/** `next` gives each node's targets in transition order; `roots` the walk's starting points, first first. */
export function flowOrder(next: ReadonlyMap<string, readonly string[]>, roots: readonly string[]): string[] {
  const seen = new Set<string>();
  const finished: string[] = [];
  // A root walked later is listed earlier, so the walk runs from the last root to the first; likewise a
  // node's targets are walked last to first, so the first transition's target is listed first.
  const walk = (root: string) => {
    if (seen.has(root) || !next.has(root)) return;
    seen.add(root);
    const stack: { id: string; targets: readonly string[]; at: number }[] = [{ id: root, targets: next.get(root)!, at: next.get(root)!.length }];
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      if (top.at > 0) {
        const target = top.targets[--top.at]!;
        if (!seen.has(target) && next.has(target)) {
          seen.add(target);
          stack.push({ id: target, targets: next.get(target)!, at: next.get(target)!.length });
        }
      } else {
        finished.push(top.id);
        stack.pop();
      }
    }
  };
  const all = [...next.keys()];
  for (let i = all.length - 1; i >= 0; i--) if (!roots.includes(all[i]!)) walk(all[i]!);
  for (let i = roots.length - 1; i >= 0; i--) walk(roots[i]!);
  return finished.reverse();
}
