-- Least privilege (issue 14, item 4). Two changes, both for roles rather than settings:
--
-- 1. app.service counts only for a service role: a member of vmp_service (billing's role, the
--    media workers' role and the shared vmp_app, granted by libs/database/src/app-role.ts), or
--    the owner (the SECURITY DEFINER functions below run as the owner). Any other role (the
--    gateway's, or one made later and granted tables by hand) sees a row only where it belongs
--    to app.current_user_id, whatever it sets. Membership is read from the catalog, as
--    app_is_tenant_only() does, so this holds before the roles exist.
-- 2. Row level security on users and api_keys: a user scope sees its own row and its own keys.
--    What the gateway does before it knows the user (log in by email, register, look an API key
--    up by its hash, find the user of a Stripe customer) and what operators read of other
--    users goes through narrow SECURITY DEFINER functions owned by the owner. EXECUTE on them
--    is revoked from PUBLIC and granted by app-role.ts to the roles the gateway may connect as.
--
-- (Prisma's engine splits this file on semicolons, even inside comments: none here hold one,
-- and every function body is a single statement.)

CREATE OR REPLACE FUNCTION app_is_service_role() RETURNS boolean
  LANGUAGE sql STABLE
  AS $$
    SELECT EXISTS (
      SELECT 1 FROM pg_auth_members m
        JOIN pg_roles g ON g.oid = m.roleid
        JOIN pg_roles u ON u.oid = m.member
       WHERE g.rolname = 'vmp_service' AND u.rolname = current_user
    ) OR EXISTS (
      SELECT 1 FROM pg_class c
        JOIN pg_roles o ON o.oid = c.relowner
       WHERE c.oid = 'public.users'::regclass AND o.rolname = current_user
    )
  $$;

CREATE OR REPLACE FUNCTION app_is_service() RETURNS boolean
  LANGUAGE sql STABLE
  AS $$
    SELECT COALESCE(current_setting('app.service', true), '') <> ''
       AND NOT app_is_tenant_only()
       AND app_is_service_role()
  $$;

ALTER TABLE "users" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "users" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_users ON "users"
  USING (app_is_service() OR "id" = app_current_user_id())
  WITH CHECK (app_is_service() OR "id" = app_current_user_id());

ALTER TABLE "api_keys" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "api_keys" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_api_keys ON "api_keys"
  USING (app_is_service() OR "user_id" = app_current_user_id())
  WITH CHECK (app_is_service() OR "user_id" = app_current_user_id());

-- Whether the caller (app.current_user_id) is an active ADMIN. Not a definer: called from the
-- admin functions below it runs as their owner, called directly it sees the caller's row only.
CREATE FUNCTION app_caller_is_admin() RETURNS boolean
  LANGUAGE sql STABLE
  AS $$
    SELECT EXISTS (
      SELECT 1 FROM public."users" a
       WHERE a."id" = app_current_user_id() AND a."role" = 'ADMIN' AND a."is_active"
    )
  $$;

-- Log in: the one user with this email (exact match), and only what the password check needs.
CREATE FUNCTION gateway_login_user(login_email text)
  RETURNS TABLE ("id" text, "password" text, "isActive" boolean)
  LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = public
  SET app.service = 'gateway-auth'
  AS $$
    SELECT u."id", u."password", u."is_active" FROM "users" u WHERE u."email" = login_email
  $$;

-- Register: a new USER with no credits, no licence and no Stripe customer (the columns'
-- defaults), never anything else. No row when the email is taken. Its id is a UUID (ids are
-- opaque: cuid or uuid).
CREATE FUNCTION gateway_register_user(
  new_email text, new_password text, new_first_name text, new_last_name text
)
  RETURNS TABLE (
    "id" text, "email" text, "firstName" text, "lastName" text, "role" text,
    "isActive" boolean, "credits" integer, "licenseType" text, "licenseExpiry" timestamp,
    "stripeCustomerId" text, "createdAt" timestamp, "updatedAt" timestamp
  )
  LANGUAGE sql VOLATILE SECURITY DEFINER
  SET search_path = public
  SET app.service = 'gateway-auth'
  AS $$
    INSERT INTO "users" ("id", "email", "password", "first_name", "last_name")
    VALUES (gen_random_uuid()::text, new_email, new_password, new_first_name, new_last_name)
    ON CONFLICT ("email") DO NOTHING
    RETURNING "id", "email", "first_name", "last_name", "role"::text, "is_active", "credits",
              "license_type"::text, "license_expiry", "stripe_customer_id", "created_at",
              "updated_at"
  $$;

-- An API key by the SHA-256 of the whole key (so only the key's holder can ask), with what the
-- auth guard needs of its owner: never the owner's password hash.
CREATE FUNCTION gateway_api_key(wanted_hash text)
  RETURNS TABLE (
    "id" text, "userId" text, "name" text, "prefix" text, "keyHash" text,
    "expiresAt" timestamp, "revokedAt" timestamp, "lastUsedAt" timestamp,
    "createdAt" timestamp, "scopes" text[], "userEmail" text, "userIsActive" boolean,
    "userLicenseType" text, "userLicenseExpiry" timestamp
  )
  LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = public
  SET app.service = 'gateway-auth'
  AS $$
    SELECT k."id", k."user_id", k."name", k."prefix", k."key_hash", k."expires_at",
           k."revoked_at", k."last_used_at", k."created_at", k."scopes", u."email",
           u."is_active", u."license_type"::text, u."license_expiry"
      FROM "api_keys" k JOIN "users" u ON u."id" = k."user_id"
     WHERE k."key_hash" = wanted_hash
  $$;

-- The user a Stripe customer belongs to (the payments webhook): an id, or null.
CREATE FUNCTION gateway_user_by_stripe_customer(customer text) RETURNS text
  LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = public
  SET app.service = 'gateway-payments'
  AS $$ SELECT u."id" FROM "users" u WHERE u."stripe_customer_id" = customer $$;

-- What operators read and change of other users: answered only when the caller is an active
-- ADMIN (otherwise no rows, 0, false), and never a password hash.
CREATE FUNCTION admin_users(email_part text, licence text, skip_rows integer, take_rows integer)
  RETURNS TABLE (
    "id" text, "email" text, "firstName" text, "lastName" text, "role" text,
    "isActive" boolean, "credits" integer, "licenseType" text, "licenseExpiry" timestamp,
    "createdAt" timestamp
  )
  LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = public
  SET app.service = 'gateway-admin'
  AS $$
    SELECT u."id", u."email", u."first_name", u."last_name", u."role"::text, u."is_active",
           u."credits", u."license_type"::text, u."license_expiry", u."created_at"
      FROM "users" u
     WHERE app_caller_is_admin()
       AND (email_part IS NULL OR strpos(lower(u."email"), lower(email_part)) > 0)
       AND (licence IS NULL OR u."license_type"::text = licence)
     ORDER BY u."created_at" DESC, u."id" DESC
     OFFSET skip_rows LIMIT take_rows
  $$;

CREATE FUNCTION admin_users_count(email_part text, licence text) RETURNS bigint
  LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = public
  SET app.service = 'gateway-admin'
  AS $$
    SELECT count(*) FROM "users" u
     WHERE app_caller_is_admin()
       AND (email_part IS NULL OR strpos(lower(u."email"), lower(email_part)) > 0)
       AND (licence IS NULL OR u."license_type"::text = licence)
  $$;

CREATE FUNCTION admin_user(target text)
  RETURNS TABLE (
    "id" text, "email" text, "firstName" text, "lastName" text, "role" text,
    "isActive" boolean, "credits" integer, "licenseType" text, "licenseExpiry" timestamp,
    "createdAt" timestamp
  )
  LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = public
  SET app.service = 'gateway-admin'
  AS $$
    SELECT u."id", u."email", u."first_name", u."last_name", u."role"::text, u."is_active",
           u."credits", u."license_type"::text, u."license_expiry", u."created_at"
      FROM "users" u
     WHERE u."id" = target AND app_caller_is_admin()
  $$;

CREATE FUNCTION admin_set_user_active(target text, active boolean) RETURNS boolean
  LANGUAGE sql VOLATILE SECURITY DEFINER
  SET search_path = public
  SET app.service = 'gateway-admin'
  AS $$
    WITH changed AS (
      UPDATE "users" SET "is_active" = active, "updated_at" = now()
       WHERE "id" = target AND app_caller_is_admin()
      RETURNING 1
    )
    SELECT EXISTS (SELECT 1 FROM changed)
  $$;

REVOKE ALL ON FUNCTION gateway_login_user(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION gateway_register_user(text, text, text, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION gateway_api_key(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION gateway_user_by_stripe_customer(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION admin_users(text, text, integer, integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION admin_users_count(text, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION admin_user(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION admin_set_user_active(text, boolean) FROM PUBLIC;

-- The audit log names users (ids, emails of failed log-ins): the gateway's role may only append
-- to it (libs/database/src/app-role.ts), and operators read it through these two functions.
CREATE FUNCTION admin_audit_logs(
  actor text, wanted_action text, since timestamp, until timestamp, skip_rows integer,
  take_rows integer
)
  RETURNS TABLE (
    "id" text, "actorUserId" text, "actorApiKeyId" text, "action" text, "targetType" text,
    "targetId" text, "ip" text, "requestId" text, "details" jsonb, "createdAt" timestamp
  )
  LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = public
  SET app.service = 'gateway-admin'
  AS $$
    SELECT a."id", a."actor_user_id", a."actor_api_key_id", a."action", a."target_type",
           a."target_id", a."ip", a."request_id", a."details", a."created_at"
      FROM "audit_logs" a
     WHERE app_caller_is_admin()
       AND (actor IS NULL OR a."actor_user_id" = actor)
       AND (wanted_action IS NULL OR a."action" = wanted_action)
       AND (since IS NULL OR a."created_at" >= since)
       AND (until IS NULL OR a."created_at" <= until)
     ORDER BY a."created_at" DESC, a."id" DESC
     OFFSET skip_rows LIMIT take_rows
  $$;

CREATE FUNCTION admin_audit_logs_count(
  actor text, wanted_action text, since timestamp, until timestamp
) RETURNS bigint
  LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = public
  SET app.service = 'gateway-admin'
  AS $$
    SELECT count(*) FROM "audit_logs" a
     WHERE app_caller_is_admin()
       AND (actor IS NULL OR a."actor_user_id" = actor)
       AND (wanted_action IS NULL OR a."action" = wanted_action)
       AND (since IS NULL OR a."created_at" >= since)
       AND (until IS NULL OR a."created_at" <= until)
  $$;

REVOKE ALL ON FUNCTION admin_audit_logs(text, text, timestamp, timestamp, integer, integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION admin_audit_logs_count(text, text, timestamp, timestamp) FROM PUBLIC;
