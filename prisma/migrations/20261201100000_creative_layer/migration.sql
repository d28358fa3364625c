-- Creative layer (issue 17): brand assets, per-clip caption and focus, outputs per rendition,
-- and several jobs of one project at a time (the per-user jobs-at-a-time licence limit stays,
-- enforced by billing's reservation).

-- A project's brand assets (logos, music), owned through the project like video_files.
CREATE TABLE "project_assets" (
    "id" TEXT NOT NULL,
    "project_id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "original_name" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "size" BIGINT NOT NULL,
    "format" TEXT NOT NULL,
    "resolution" TEXT,
    "duration" DECIMAL(65,30),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "project_assets_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "project_assets_kind_check" CHECK ("kind" IN ('image', 'audio'))
);
CREATE INDEX "project_assets_project_id_idx" ON "project_assets"("project_id");
ALTER TABLE "project_assets" ADD CONSTRAINT "project_assets_project_id_fkey"
  FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "project_assets" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "project_assets" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_project_assets ON "project_assets"
  USING (app_is_service() OR "project_id" IN (SELECT "id" FROM "projects" WHERE "user_id" = app_current_user_id()))
  WITH CHECK (app_is_service() OR "project_id" IN (SELECT "id" FROM "projects" WHERE "user_id" = app_current_user_id()));

-- A clip's caption and crop focus point.
ALTER TABLE "video_files" ADD COLUMN "caption" TEXT, ADD COLUMN "focus" JSONB;

-- Each output is one combination in one rendition.
ALTER TABLE "output_files" ADD COLUMN "rendition" INTEGER NOT NULL DEFAULT 0;
DROP INDEX "output_files_job_id_combination_index_key";
CREATE UNIQUE INDEX "output_files_job_id_combination_index_rendition_key"
  ON "output_files"("job_id", "combination_index", "rendition");

-- Several active jobs per project: the one-active-job rule is dropped.
DROP INDEX "processing_jobs_one_active_per_project_idx";
