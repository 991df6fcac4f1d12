// Which page each address shows. These paths work on reload: the server answers them with index.html.
import { useEffect } from "react";
import DefinitionPage from "../pages/DefinitionPage";
import DefinitionsPage from "../pages/DefinitionsPage";
import DraftPage from "../pages/DraftPage";
import InboxPage from "../pages/InboxPage";
import InstancePage from "../pages/InstancePage";
import InstancesPage from "../pages/InstancesPage";
import MetricsPage from "../pages/MetricsPage";
import PricesPage from "../pages/PricesPage";
import { matchPath, navigate, useLocation } from "./router";

export default function Routes() {
  const { path } = useLocation();
  let params: Record<string, string> | null;
  if ((params = matchPath("/drafts/:id", path))) return <DraftPage key={params.id} draftId={params.id!} />;
  if ((params = matchPath("/definitions/:id", path))) return <DefinitionPage key={params.id} workflowId={params.id!} />;
  if (matchPath("/definitions", path)) return <DefinitionsPage />;
  if ((params = matchPath("/instances/:id", path))) return <InstancePage key={params.id} instanceId={params.id!} />;
  if (matchPath("/instances", path)) return <InstancesPage />;
  if (matchPath("/inbox", path)) return <InboxPage />;
  // The nav calls the inbox "Approvals": a bookmark or a link written after that name lands on it.
  if (path === "/approvals" || path.startsWith("/approvals/")) return <Redirect to="/inbox" />;
  if (matchPath("/metrics-dashboard", path)) return <MetricsPage />;
  if (matchPath("/prices", path)) return <PricesPage />;
  if (path === "/" || path === "/login") return <Redirect to="/definitions" />;
  return (
    <div className="page">
      <h1>Page not found</h1>
      <p>
        Nothing lives at <code>{path}</code>.{" "}
        <a href="/definitions" onClick={(e) => { e.preventDefault(); navigate("/definitions"); }}>
          Go to the workflows
        </a>
        .
      </p>
    </div>
  );
}

function Redirect({ to }: { to: string }) {
  useEffect(() => {
    navigate(to, { replace: true });
  }, [to]);
  return null;
}
