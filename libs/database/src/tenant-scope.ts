import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Whom the database work of the current async context is for. Row level security reads it:
 * `userId` limits tenant tables to that user's rows; `service` (a service's name) is the
 * explicit path for service-level work (billing, media workers, gateway metrics). An empty
 * scope sees no tenant rows.
 */
export interface TenantScope {
  userId?: string;
  service?: string;
}

const storage = new AsyncLocalStorage<TenantScope>();

export const tenantScope = {
  current(): TenantScope | undefined {
    return storage.getStore();
  },
  /** Runs `fn` with `scope`; the scope object may be filled in later (the auth guard does). */
  run<T>(scope: TenantScope, fn: () => T): T {
    return storage.run(scope, fn);
  },
  asUser<T>(userId: string, fn: () => T): T {
    return storage.run({ userId }, fn);
  },
  asService<T>(service: string, fn: () => T): T {
    return storage.run({ service }, fn);
  },
};
