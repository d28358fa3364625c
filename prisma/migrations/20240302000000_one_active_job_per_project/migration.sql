-- At most one PENDING or PROCESSING job per project, enforced by the database so two
-- concurrent job requests cannot both pass the check in the gateway.
CREATE UNIQUE INDEX "processing_jobs_one_active_per_project_idx" ON "processing_jobs"("project_id")
  WHERE "status" IN ('PENDING', 'PROCESSING');
