-- CreateIndex
CREATE INDEX "projects_user_id_created_at_idx" ON "projects"("user_id", "created_at" DESC);

-- CreateIndex
CREATE INDEX "video_files_project_id_uploaded_at_idx" ON "video_files"("project_id", "uploaded_at" DESC);

-- CreateIndex
CREATE INDEX "credit_transactions_user_id_created_at_idx" ON "credit_transactions"("user_id", "created_at" DESC);


-- The seed "Performance Indexes" that Prisma schema cannot express (hand-written).

-- Active processing jobs: a partial index over the two non-final states only.
CREATE INDEX "processing_jobs_status_created_at_idx" ON "processing_jobs"("status", "created_at")
  WHERE "status" IN ('PENDING', 'PROCESSING');

-- The seed writes these as GIN over a text expression, which PostgreSQL refuses (text has no
-- default GIN operator class). A B-tree over the extracted text serves the equality searches
-- the seed wants them for.
CREATE INDEX "projects_mixing_mode_idx" ON "projects" (("settings"->>'mixingMode'));
CREATE INDEX "output_files_metadata_campaign_idx" ON "output_files" (("metadata"->>'campaign'));
