-- Row Level Security for the tenant tables (the seed's Security Considerations).
-- The services connect as a limited role that owns nothing and cannot bypass RLS (see
-- libs/database/src/app-role.ts). Each connection checkout sets two settings:
--   app.current_user_id  the user a request acts for (gateway)
--   app.service          the name of a service doing service-level work (billing, workers)
-- With neither set a query sees no tenant rows at all.

CREATE FUNCTION app_current_user_id() RETURNS text
  LANGUAGE sql STABLE
  AS $$ SELECT NULLIF(current_setting('app.current_user_id', true), '') $$;

CREATE FUNCTION app_is_service() RETURNS boolean
  LANGUAGE sql STABLE
  AS $$ SELECT COALESCE(current_setting('app.service', true), '') <> '' $$;

ALTER TABLE "projects" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "projects" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_projects ON "projects"
  USING (app_is_service() OR "user_id" = app_current_user_id())
  WITH CHECK (app_is_service() OR "user_id" = app_current_user_id());

ALTER TABLE "video_groups" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "video_groups" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_video_groups ON "video_groups"
  USING (app_is_service() OR "project_id" IN (SELECT "id" FROM "projects" WHERE "user_id" = app_current_user_id()))
  WITH CHECK (app_is_service() OR "project_id" IN (SELECT "id" FROM "projects" WHERE "user_id" = app_current_user_id()));

ALTER TABLE "video_files" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "video_files" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_video_files ON "video_files"
  USING (app_is_service() OR "project_id" IN (SELECT "id" FROM "projects" WHERE "user_id" = app_current_user_id()))
  WITH CHECK (app_is_service() OR "project_id" IN (SELECT "id" FROM "projects" WHERE "user_id" = app_current_user_id()));

ALTER TABLE "processing_jobs" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "processing_jobs" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_processing_jobs ON "processing_jobs"
  USING (app_is_service() OR "project_id" IN (SELECT "id" FROM "projects" WHERE "user_id" = app_current_user_id()))
  WITH CHECK (app_is_service() OR "project_id" IN (SELECT "id" FROM "projects" WHERE "user_id" = app_current_user_id()));

ALTER TABLE "output_files" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "output_files" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_output_files ON "output_files"
  USING (app_is_service() OR "job_id" IN (SELECT j."id" FROM "processing_jobs" j JOIN "projects" p ON p."id" = j."project_id" WHERE p."user_id" = app_current_user_id()))
  WITH CHECK (app_is_service() OR "job_id" IN (SELECT j."id" FROM "processing_jobs" j JOIN "projects" p ON p."id" = j."project_id" WHERE p."user_id" = app_current_user_id()));

ALTER TABLE "credit_transactions" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "credit_transactions" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_credit_transactions ON "credit_transactions"
  USING (app_is_service() OR "user_id" = app_current_user_id())
  WITH CHECK (app_is_service() OR "user_id" = app_current_user_id());
