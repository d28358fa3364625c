import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { api, currentToken, ok, setSession, type Schemas } from './api/client';

interface Session {
  user?: Schemas['UserDto'];
  balance?: Schemas['BalanceDto'];
  signedIn: boolean;
  signIn(token: string): Promise<void>;
  signOut(): void;
  refreshBalance(): Promise<void>;
}

const SessionContext = createContext<Session | undefined>(undefined);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [token, setToken] = useState(currentToken());
  const [user, setUser] = useState<Schemas['UserDto']>();
  const [balance, setBalance] = useState<Schemas['BalanceDto']>();

  const signOut = useCallback(() => {
    setSession(undefined);
    setToken(undefined);
    setUser(undefined);
    setBalance(undefined);
  }, []);

  const refreshBalance = useCallback(async () => {
    const res = await api.GET('/api/v1/billing/balance');
    if (res.response.status === 401) return signOut();
    setBalance(ok(res));
  }, [signOut]);

  useEffect(() => {
    if (!token) return;
    void (async () => {
      const me = await api.GET('/api/v1/users/me');
      if (me.response.status === 401) return signOut();
      setUser(ok(me));
      await refreshBalance();
    })();
  }, [token, refreshBalance, signOut]);

  const signIn = useCallback(async (t: string) => {
    setSession(t);
    setToken(t);
  }, []);

  return (
    <SessionContext.Provider
      value={{ user, balance, signedIn: !!token, signIn, signOut, refreshBalance }}
    >
      {children}
    </SessionContext.Provider>
  );
}

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}
