// The application: sign-in first, then the page the address names; a session that ends on an open page is
// renewed over it (SessionExpiredDialog), never by leaving it.
import SessionExpiredDialog from "../auth/SessionExpiredDialog";
import { SessionProvider, useSession } from "../auth/session";
import LoginPage from "../pages/LoginPage";
import Shell from "./Shell";
import Routes from "./Routes";

export default function App() {
  return (
    <SessionProvider>
      <Gate />
    </SessionProvider>
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
