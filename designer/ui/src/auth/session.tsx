// Who is signed in, and what they may do. The server decides permissions (`Me.permissions`); the UI only
// shows and enables what they allow.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import * as auth from "../api/auth";
import { ApiError, onUnauthenticated } from "../api/http";
import type { Me, Permission } from "../api/types";

interface SessionValue {
  me: Me | null;
  loading: boolean;
  can: (permission: Permission) => boolean;
  signIn: (username: string, password: string) => Promise<void>;
  signOut: () => Promise<void>;
}

const SessionContext = createContext<SessionValue | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null>(null);
  const [loading, setLoading] = useState(true);

  useEffect(() => {
    auth
      .me()
      .then(setMe)
      .catch((error: unknown) => {
        if (!(error instanceof ApiError) || error.status !== 401) console.error(error);
        setMe(null);
      })
      .finally(() => setLoading(false));
    return onUnauthenticated(() => setMe(null));
  }, []);

  const signIn = useCallback(async (username: string, password: string) => {
    setMe(await auth.login(username, password));
  }, []);
  const signOut = useCallback(async () => {
    try {
      await auth.logout();
    } finally {
      setMe(null);
    }
  }, []);
  const value = useMemo<SessionValue>(
    () => ({ me, loading, can: (p) => Boolean(me?.permissions.includes(p)), signIn, signOut }),
    [me, loading, signIn, signOut],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error("useSession outside SessionProvider");
  return value;
}
