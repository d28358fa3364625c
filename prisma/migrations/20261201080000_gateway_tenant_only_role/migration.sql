-- The hole: app.service is a setting any holder of the application role can set, and it lifted
-- every row level policy. Now a role that is a member of vmp_tenant_only (the gateway's role,
-- granted by libs/database/src/app-role.ts) never counts as a service, whatever it sets: it sees
-- tenant rows only where they belong to app.current_user_id. Services (billing, workers) keep
-- the setting. Membership is read from the catalog, so this holds before the role exists.
-- (The migration runner splits statements on semicolons, so none appear inside bodies.)
CREATE OR REPLACE FUNCTION app_is_tenant_only() RETURNS boolean
  LANGUAGE sql STABLE
  AS $$
    SELECT EXISTS (
      SELECT 1 FROM pg_auth_members m
        JOIN pg_roles g ON g.oid = m.roleid
        JOIN pg_roles u ON u.oid = m.member
       WHERE g.rolname = 'vmp_tenant_only' AND u.rolname = current_user
    )
  $$;

CREATE OR REPLACE FUNCTION app_is_service() RETURNS boolean
  LANGUAGE sql STABLE
  AS $$ SELECT COALESCE(current_setting('app.service', true), '') <> '' AND NOT app_is_tenant_only() $$;

-- The gateway's two cross-tenant reads, as narrow functions owned by the owner. Jobs by status
-- (metrics): counts only.
CREATE FUNCTION gateway_jobs_by_status() RETURNS TABLE ("status" text, "count" bigint)
  LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = public
  SET app.service = 'gateway-metrics'
  AS $$ SELECT j."status"::text, count(*) FROM "processing_jobs" j GROUP BY j."status" $$;

-- What an operator sees of a user: counts, and only when the caller (app.current_user_id) is an
-- active ADMIN.
CREATE FUNCTION admin_user_counts(target text)
  RETURNS TABLE ("projects" bigint, "api_keys" bigint, "transactions" bigint)
  LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = public
  SET app.service = 'gateway-admin'
  AS $$
    SELECT (SELECT count(*) FROM "projects" WHERE "user_id" = target),
           (SELECT count(*) FROM "api_keys" WHERE "user_id" = target),
           (SELECT count(*) FROM "credit_transactions" WHERE "user_id" = target)
     WHERE EXISTS (
       SELECT 1 FROM "users" a
        WHERE a."id" = app_current_user_id() AND a."role" = 'ADMIN' AND a."is_active"
     )
  $$;

REVOKE ALL ON FUNCTION gateway_jobs_by_status() FROM PUBLIC;
REVOKE ALL ON FUNCTION admin_user_counts(text) FROM PUBLIC;
