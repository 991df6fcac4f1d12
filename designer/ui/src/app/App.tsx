// The application: sign-in first, then the page the address names.
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
  const { me, loading } = useSession();
  if (loading) return <div className="loading-page" aria-busy="true">Loading…</div>;
  if (!me) return <LoginPage />;
  return (
    <Shell>
      <Routes />
    </Shell>
  );
}
