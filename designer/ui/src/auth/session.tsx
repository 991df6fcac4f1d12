// Who is signed in, and what they may do. The server decides permissions (`Me.permissions`); the UI only
// shows and enables what they allow. A session that ends while a page is open (it expired, or was signed out
// elsewhere) is marked `expired` instead of dropped, so the page — and whatever is unsaved on it — stays while
// the person signs in again.
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import * as auth from "../api/auth";
import { ApiError, mayBeSignedIn, onUnauthenticated } from "../api/http";
import type { Me, Permission } from "../api/types";

interface SessionValue {
  me: Me | null;
  loading: boolean;
  /** The server no longer knows this session: sign in again (as `me`) to carry on where you were. */
  expired: boolean;
  can: (permission: Permission) => boolean;
  signIn: (username: string, password: string) => Promise<void>;
  signOut: () => Promise<void>;
}

const SessionContext = createContext<SessionValue | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null>(null);
  const [loading, setLoading] = useState(true);
  const [expired, setExpired] = useState(false);
  const signedIn = useRef(false);
  signedIn.current = me !== null;

  useEffect(() => {
    // No session cookie: signed out (a first visit), no need to ask — the sign-in page shows at once.
    const asked = mayBeSignedIn() ? auth.me() : Promise.reject(new ApiError(401, { detail: "Not signed in." }));
    asked
      .then(setMe)
      .catch((error: unknown) => {
        if (!(error instanceof ApiError) || error.status !== 401) console.error(error);
        setMe(null);
      })
      .finally(() => setLoading(false));
    return onUnauthenticated(() => {
      if (signedIn.current) setExpired(true);
      else setMe(null);
    });
  }, []);

  const signIn = useCallback(async (username: string, password: string) => {
    setMe(await auth.login(username, password));
    setExpired(false);
  }, []);
  const signOut = useCallback(async () => {
    try {
      await auth.logout();
    } finally {
      setMe(null);
      setExpired(false);
    }
  }, []);
  const value = useMemo<SessionValue>(
    () => ({ me, loading, expired, can: (p) => Boolean(me?.permissions.includes(p)), signIn, signOut }),
    [me, loading, expired, signIn, signOut],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error("useSession outside SessionProvider");
  return value;
}
