// The states an instance went through, for the Summary: all of them while the path is short; for a long one
// the first and last few with how many lie between, and a button that shows the whole path, numbered, in a
// box of its own that scrolls, so the summary stays readable at any length. Of an instance that made more than
// 500 transitions the path covers the latest 500 (`truncated`): it says that earlier states came before.
import { useState } from "react";
import { countOf, formatCount } from "../components/format";

/** Paths up to this many states are shown whole; longer ones start folded. */
const WHOLE_UP_TO = 12;
/** How many states a folded path shows at each end. */
const ENDS = 4;

/** Before a path that leaves earlier states out: where they are. */
function Earlier() {
  return (
    <span className="muted" data-testid="instance-path-earlier" title="Earlier states are in the older transitions of the Timeline">
      … →{" "}
    </span>
  );
}

export default function PathSummary({ path, truncated = false }: { path: readonly string[]; truncated?: boolean }) {
  const [open, setOpen] = useState(false);
  if (path.length <= WHOLE_UP_TO) {
    return (
      <span className="mono" data-testid="instance-path">
        {truncated && <Earlier />}
        {path.join(" → ")}
      </span>
    );
  }
  const hidden = path.length - 2 * ENDS;
  return (
    <div className="path-summary" data-testid="instance-path" data-open={open ? "true" : "false"}>
      <span className="muted" data-testid="instance-path-count">
        {truncated ? `the latest ${countOf(path.length, "state")} (earlier ones: older transitions in the Timeline)` : countOf(path.length, "state")}
      </span>
      {open ? (
        <ol className="path-whole mono" data-testid="instance-path-whole">
          {path.map((s, i) => (
            <li key={i}>{s}</li>
          ))}
        </ol>
      ) : (
        <span className="mono path-folded">
          {truncated && <Earlier />}
          {path.slice(0, ENDS).join(" → ")} →{" "}
          <span className="path-skipped" data-testid="instance-path-skipped">
            … {formatCount(hidden)} more …
          </span>{" "}
          → {path.slice(-ENDS).join(" → ")}
        </span>
      )}
      <button type="button" className="link" aria-expanded={open} data-testid="instance-path-toggle" onClick={() => setOpen(!open)}>
        {open ? "Show less" : `Show all ${formatCount(path.length)}`}
      </button>
    </div>
  );
}
