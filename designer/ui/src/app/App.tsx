// The application: sign-in first, then the page the address names; a session that ends on an open page is
// renewed over it (SessionExpiredDialog), never by leaving it. A page that fails to draw says so (ErrorBoundary)
// instead of leaving the window blank.
import ErrorBoundary from "../components/ErrorBoundary";
import SessionExpiredDialog from "../auth/SessionExpiredDialog";
import { SessionProvider, useSession } from "../auth/session";
import LoginPage from "../pages/LoginPage";
import Shell from "./Shell";
import Routes from "./Routes";

export default function App() {
  return (
    <ErrorBoundary what="This page" testId="app-broken" help={APP_HELP} actions={<Reload />}>
      <SessionProvider>
        <Gate />
      </SessionProvider>
    </ErrorBoundary>
  );
}

const APP_HELP = "Drafts are kept as last saved. Changes made on this page since its last save could not be kept: Try again draws the page afresh, Reload loads it again.";

function Reload() {
  return (
    <button type="button" className="primary" onClick={() => window.location.reload()} data-testid="app-broken-reload">
      Reload
    </button>
  );
}

function Gate() {
  const { me, loading, expired } = useSession();
  if (loading) return <div className="loading-page" aria-busy="true">Loading…</div>;
  if (!me) return <LoginPage />;
  return (
    <Shell>
      <Routes />
      {expired && <SessionExpiredDialog />}
    </Shell>
  );
}
