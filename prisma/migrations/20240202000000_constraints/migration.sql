-- The seed constraints as CHECK constraints (hand-written, Prisma schema cannot express them).
-- Enum values (licence type, project status, job status, transaction type) are enforced by the
-- PostgreSQL enum types created in the init migration.

ALTER TABLE "users"
  ADD CONSTRAINT "users_credits_non_negative" CHECK ("credits" >= 0),
  ADD CONSTRAINT "users_email_format" CHECK ("email" ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$'),
  ADD CONSTRAINT "users_first_name_not_empty" CHECK (length(btrim("first_name")) > 0),
  ADD CONSTRAINT "users_last_name_not_empty" CHECK (length(btrim("last_name")) > 0);

ALTER TABLE "projects"
  ADD CONSTRAINT "projects_name_not_empty" CHECK (length(btrim("name")) > 0),
  ADD CONSTRAINT "projects_output_count_non_negative" CHECK ("output_count" >= 0),
  ADD CONSTRAINT "projects_settings_is_object" CHECK (jsonb_typeof("settings") = 'object');

ALTER TABLE "video_groups"
  ADD CONSTRAINT "video_groups_name_not_empty" CHECK (length(btrim("name")) > 0),
  ADD CONSTRAINT "video_groups_order_non_negative" CHECK ("order_num" >= 0),
  -- Deferrable so that a reorder of several groups can swap orders inside one transaction
  -- (SET CONSTRAINTS video_groups_project_order_unique DEFERRED).
  ADD CONSTRAINT "video_groups_project_order_unique" UNIQUE ("project_id", "order_num")
    DEFERRABLE INITIALLY IMMEDIATE;

ALTER TABLE "video_files"
  ADD CONSTRAINT "video_files_size_positive" CHECK ("size" > 0),
  ADD CONSTRAINT "video_files_duration_positive" CHECK ("duration" > 0),
  ADD CONSTRAINT "video_files_resolution_format" CHECK ("resolution" ~ '^[1-9][0-9]*x[1-9][0-9]*$');

ALTER TABLE "processing_jobs"
  ADD CONSTRAINT "processing_jobs_progress_range" CHECK ("progress" BETWEEN 0 AND 100),
  ADD CONSTRAINT "processing_jobs_completed_after_started"
    CHECK ("completed_at" IS NULL OR "started_at" IS NULL OR "completed_at" >= "started_at");

ALTER TABLE "output_files"
  ADD CONSTRAINT "output_files_size_positive" CHECK ("size" > 0),
  ADD CONSTRAINT "output_files_duration_positive" CHECK ("duration" > 0),
  ADD CONSTRAINT "output_files_metadata_is_object" CHECK (jsonb_typeof("metadata") = 'object'),
  ADD CONSTRAINT "output_files_source_files_is_array" CHECK (jsonb_typeof("source_files") = 'array');

ALTER TABLE "credit_transactions"
  ADD CONSTRAINT "credit_transactions_amount_not_zero" CHECK ("amount" <> 0),
  ADD CONSTRAINT "credit_transactions_description_not_empty" CHECK (length(btrim("description")) > 0),
  -- Usage spends (negative), purchases and refunds add (positive).
  ADD CONSTRAINT "credit_transactions_amount_sign" CHECK (("type" = 'USAGE') = ("amount" < 0));
