-- (Prisma's engine splits this file on semicolons, even inside comments: none here hold one.)
-- The fleet (issue 18, docs/scaling.md): a job is split into tasks that any worker may take.
-- One row per task: per-clip NORMALIZE tasks and per-batch ASSEMBLE tasks (a batch of outputs
-- whose clips' NORMALIZE tasks are done). WAITING rows are published to the JetStream task queue
-- by the dispatcher (QUEUED), at most TASKS_PER_USER of one user at a time (fair shares), in the
-- subject of the job's licence band and priority level. A task is DONE once, whoever ran it.
CREATE TABLE "job_tasks" (
    "job_id" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'WAITING',
    "user_id" TEXT NOT NULL,
    "band" "LicenseType" NOT NULL,
    "priority" INTEGER NOT NULL DEFAULT 0,
    "payload" JSONB NOT NULL,
    "deps" INTEGER[] NOT NULL DEFAULT '{}',
    "runs" INTEGER NOT NULL DEFAULT 0,
    "done_by" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "queued_at" TIMESTAMP(3),
    "started_at" TIMESTAMP(3),
    "done_at" TIMESTAMP(3),

    CONSTRAINT "job_tasks_pkey" PRIMARY KEY ("job_id", "seq")
);

ALTER TABLE "job_tasks" ADD CONSTRAINT "job_tasks_job_id_fkey"
  FOREIGN KEY ("job_id") REFERENCES "processing_jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "job_tasks" ADD CONSTRAINT "job_tasks_kind_check" CHECK ("kind" IN ('NORMALIZE', 'ASSEMBLE'));
ALTER TABLE "job_tasks" ADD CONSTRAINT "job_tasks_status_check" CHECK ("status" IN ('WAITING', 'QUEUED', 'DONE'));
ALTER TABLE "job_tasks" ADD CONSTRAINT "job_tasks_priority_check" CHECK ("priority" BETWEEN -10 AND 10);
ALTER TABLE "job_tasks" ADD CONSTRAINT "job_tasks_seq_check" CHECK ("seq" >= 0);

-- The dispatcher's look-ups: a user's queued and waiting tasks, and the capacity gauges by band.
CREATE INDEX "job_tasks_user_id_status_idx" ON "job_tasks"("user_id", "status");
CREATE INDEX "job_tasks_status_band_idx" ON "job_tasks"("status", "band") WHERE "status" <> 'DONE';

-- Service-only: the workers' book-keeping, visible to no tenant scope.
ALTER TABLE "job_tasks" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "job_tasks" FORCE ROW LEVEL SECURITY;
CREATE POLICY service_job_tasks ON "job_tasks"
  USING (app_is_service())
  WITH CHECK (app_is_service());

-- The fleet's capacity signals (docs/scaling.md), for the workers' and the gateway's /metrics:
-- per band, the tasks of running jobs held back (WAITING) and on the queue or running (QUEUED),
-- the oldest one's age, and the mean run time of the tasks finished in the last 10 minutes.
-- Counts only, so the gateway's tenant-only role may call it (libs/database/src/app-role.ts).
CREATE FUNCTION fleet_task_backlog()
  RETURNS TABLE ("band" text, "waiting" bigint, "queued" bigint, "oldest_seconds" float8, "mean_task_seconds" float8)
  LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = public
  SET app.service = 'fleet-metrics'
  AS $$
    WITH recent AS (
      SELECT avg(EXTRACT(EPOCH FROM (t."done_at" - t."started_at")))::float8 AS mean
        FROM "job_tasks" t
       WHERE t."done_at" > now() - interval '10 minutes' AND t."started_at" IS NOT NULL
    )
    SELECT b."band"::text,
           count(t.*) FILTER (WHERE t."status" = 'WAITING'),
           count(t.*) FILTER (WHERE t."status" = 'QUEUED'),
           COALESCE(EXTRACT(EPOCH FROM (now() - min(t."created_at"))), 0)::float8,
           COALESCE((SELECT mean FROM recent), 0)::float8
      FROM unnest(enum_range(NULL::"LicenseType")) AS b("band")
      LEFT JOIN ("job_tasks" t JOIN "processing_jobs" j ON j."id" = t."job_id" AND j."status" = 'PROCESSING')
        ON t."band" = b."band" AND t."status" <> 'DONE'
     GROUP BY b."band"
  $$;

REVOKE ALL ON FUNCTION fleet_task_backlog() FROM PUBLIC;
