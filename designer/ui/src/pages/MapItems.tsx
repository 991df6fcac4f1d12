// A map's items on the instance page: the progress line while it runs — its totals once it ended, with the items it
// never started — then the items themselves — which of a thousand failed and why, which still run and in which
// state — a page at a time, of one status if chosen. The latest visit of a map is shown while the instance is in it
// and after it left (a map that tolerated failures has ended; its failures are what its operator asks about).
import { useEffect, useState } from "react";
import { instanceHistory, mapItemHistory, mapItems } from "../api/instances";
import type { HistoryEntry, InstanceStatus, MapItem } from "../api/types";
import { formatCount, formatTime } from "../components/format";
import { useAsync } from "../components/useAsync";
import { describeFailure } from "./failureWords";
import { listLength, mapTotals } from "./MapProgress";

const PAGE = 20;
const STATUS_ORDER: InstanceStatus[] = ["failed", "stuck", "held", "running", "cancelled", "succeeded"];

interface Props {
  instanceId: string;
  updatedAt: string; // the instance's: the items are read again when it moves on
  progress: string | null; // the running map's progress line, from its history
  runningIn: string | null; // the state the instance runs in (null once it ended): a map visit elsewhere has ended
}

export default function MapItems({ instanceId, updatedAt, progress, runningIn }: Props) {
  const [status, setStatus] = useState<InstanceStatus | "">("");
  const first = useAsync(() => mapItems(instanceId, status, PAGE, 0), [instanceId, updatedAt, status]);
  // An ended visit's list length, for its totals: the step after the one that entered the map says it (`total`).
  const visit = first.data?.state != null && first.data.state !== runningIn ? first.data.visit_seq : null;
  const length = useAsync(
    () => (visit == null ? Promise.resolve(null) : instanceHistory(instanceId, 1, visit).then((page) => listLength(page.items[0]))),
    [instanceId, visit],
  );
  const [more, setMore] = useState<MapItem[]>([]);
  const [loadingMore, setLoadingMore] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => setMore([]), [first.data]);
  // the status chosen has no items left (a redrive ran them again, the running ones ended): show every item
  const gone = status !== "" && first.data?.state != null && !first.data.counts[status];
  useEffect(() => {
    if (gone) setStatus("");
  }, [gone]);

  const data = first.data;
  if (!data?.state) {
    return progress ? (
      <section aria-labelledby="map-progress-heading">
        <h2 id="map-progress-heading">Items</h2>
        <p data-testid="map-progress">{progress}</p>
      </section>
    ) : null;
  }
  const items = [...data.items, ...more];
  const started = Object.values(data.counts).reduce((a, b) => a + b, 0);
  const loadMore = () => {
    setLoadingMore(true);
    mapItems(instanceId, status, PAGE, items.length)
      .then((page) => setMore((shown) => [...shown, ...page.items]))
      .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)))
      .finally(() => setLoadingMore(false));
  };
  return (
    <section aria-labelledby="map-progress-heading" data-testid="map-items">
      <h2 id="map-progress-heading">Items of {data.state}</h2>
      {progress && <p data-testid="map-progress">{progress}</p>}
      {visit != null && !length.loading && <p data-testid="map-totals">The map ended: {mapTotals(data.counts, length.data)}</p>}
      <label className="map-items-filter">
        Show{" "}
        <select value={status} onChange={(e) => setStatus(e.target.value as InstanceStatus | "")} data-testid="map-items-status">
          <option value="">every item started ({formatCount(started)})</option>
          {STATUS_ORDER.filter((s) => data.counts[s]).map((s) => (
            <option key={s} value={s}>
              {s} ({formatCount(data.counts[s])})
            </option>
          ))}
        </select>
      </label>
      <ol className="map-items" data-testid="map-items-list">
        {items.map((item) => (
          <li key={item.instance_id} data-testid={`map-item-${item.index}`}>
            <span className="map-item-line" title={`${item.instance_id}, last moved ${formatTime(item.updated_at)}`}>
              <strong>#{item.index}</strong> <span className={`status status-${item.status}`}>{item.status}</span> in{" "}
              <span className="mono">{item.state}</span>
            </span>
            {item.error != null && <span className="map-item-error">{describeFailure(item.error)}</span>}
            <ItemHistory instanceId={instanceId} index={item.index} />
          </li>
        ))}
      </ol>
      {error && <p className="finding-error">{error}</p>}
      {items.length < data.total && (
        <div className="timeline-more">
          <button type="button" onClick={loadMore} disabled={loadingMore} data-testid="map-items-more">
            {loadingMore ? "Loading…" : `Show ${formatCount(Math.min(PAGE, data.total - items.length))} more`}
          </button>
          <span className="muted small">
            {formatCount(items.length)} of {formatCount(data.total)} shown
          </span>
        </div>
      )}
    </section>
  );
}

/** An item's own transitions, read when asked for: each item is an instance of its own with its own history. */
function ItemHistory({ instanceId, index }: { instanceId: string; index: number }) {
  const [steps, setSteps] = useState<HistoryEntry[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const toggle = () => {
    if (steps) {
      setSteps(null);
      return;
    }
    mapItemHistory(instanceId, index)
      .then((page) => setSteps(page.items))
      .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  };
  return (
    <>
      <button type="button" className="link small" onClick={toggle} aria-expanded={steps !== null} data-testid={`map-item-history-${index}`}>
        {steps ? "hide its transitions" : "its transitions"}
      </button>
      {error && <span className="finding-error">{error}</span>}
      {steps && (
        <ol className="map-item-steps mono small" data-testid={`map-item-steps-${index}`}>
          {steps.map((s) => (
            <li key={s.seq} title={formatTime(s.at)}>
              {s.seq}. {s.from_state ?? "start"} → {s.to_state} <span className="muted">{s.event}</span>
            </li>
          ))}
        </ol>
      )}
    </>
  );
}
