// The frame around every page: where you can go, who you are, and signing out.
import type { ReactNode } from "react";
import { listApprovals } from "../api/approvals";
import { useLiveChanges } from "../api/live";
import { openPublicationRequests } from "../api/publication";
import { useSession } from "../auth/session";
import { formatCount } from "../components/format";
import { useAsync } from "../components/useAsync";
import { Link, useLocation } from "./router";

export default function Shell({ children }: { children: ReactNode }) {
  const { me, signOut, can } = useSession();
  const { path } = useLocation();
  const inbox = useAsync(() => listApprovals("pending", undefined, 1), [path]);
  const current = (prefix: string) => (path.startsWith(prefix) ? "page" : undefined);
  const publishing = can("publish");
  const requests = useAsync(() => (publishing ? openPublicationRequests() : Promise.resolve([])), [path, publishing]);
  useLiveChanges(["approvals", "publications"], () => {
    inbox.reload();
    requests.reload();
  });
  const pending = (inbox.data?.total ?? 0) + (requests.data?.length ?? 0);
  return (
    <div className="shell">
      <header className="app-header">
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <span className="brand" aria-label="Statewright">
          <span aria-hidden="true">◇</span> Statewright
        </span>
        <nav aria-label="Main">
          <Link to="/definitions" aria-current={current("/definitions") ?? current("/drafts")} data-testid="nav-definitions">
            Workflows
          </Link>
          <Link to="/instances" aria-current={current("/instances")} data-testid="nav-instances">
            Instances
          </Link>
          <Link to="/inbox" aria-current={current("/inbox")} data-testid="nav-inbox">
            Approvals
            {pending > 0 && (
              <span className="badge" data-testid="inbox-count" aria-label={`${formatCount(pending)} pending`}>
                {formatCount(pending)}
              </span>
            )}
          </Link>
          <Link to="/metrics-dashboard" aria-current={current("/metrics-dashboard")} data-testid="nav-metrics">
            Metrics
          </Link>
          {can("admin") && (
            <Link to="/prices" aria-current={current("/prices")} data-testid="nav-prices">
              Prices
            </Link>
          )}
        </nav>
        <div className="user" data-testid="current-user">
          <span>
            {me?.display_name || me?.username} <span className="muted">({me?.roles.join(", ")})</span>
          </span>
          <button type="button" onClick={() => void signOut()} data-testid="logout">
            Sign out
          </button>
        </div>
      </header>
      <div id="main" className="app-main">
        {children}
      </div>
    </div>
  );
}
