// Over the page when the session ended while it was open: sign in again as the same person and carry on, with
// the page (an editor's unsaved changes included) left as it was underneath.
import { useState, type FormEvent } from "react";
import Modal from "../components/Modal";
import { useSession } from "./session";

export default function SessionExpiredDialog() {
  const { me, signIn, signOut } = useSession();
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (!me) return null;
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(me.username, password);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal labelledBy="session-expired-heading" testId="session-expired" className="session-expired">
      <form onSubmit={(e) => void submit(e)}>
        <h2 id="session-expired-heading">Your session has ended</h2>
        <p>
          Sign in again to carry on. Nothing on this page is lost: what you have not saved yet is still here — save it once
          you are back.
        </p>
        <div className="field">
          <label htmlFor="session-expired-username">Username</label>
          <input id="session-expired-username" autoComplete="username" value={me.username} readOnly />
        </div>
        <div className="field">
          <label htmlFor="session-expired-password">Password</label>
          <input
            id="session-expired-password"
            type="password"
            autoComplete="current-password"
            data-autofocus
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            data-testid="session-expired-password"
          />
        </div>
        {error && (
          <p className="error-text" role="alert" data-testid="session-expired-error">
            {error}
          </p>
        )}
        <div className="row modal-actions">
          <button type="button" onClick={() => void signOut()} title="Leaves this page for the sign-in page" data-testid="session-expired-leave">
            Sign out instead
          </button>
          <button type="submit" className="primary" disabled={busy} data-testid="session-expired-submit">
            {busy ? "Signing in…" : "Sign in"}
          </button>
        </div>
      </form>
    </Modal>
  );
}
