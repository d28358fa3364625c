-- (Prisma's engine splits this file on semicolons, even inside comments: none here hold one.)
-- Billing's settlements: one row per settled job (docs/billing.md). A row with reserved = 0 is
-- the marker of a job settled before any reservation, which refuses a late reservation.
CREATE TABLE "job_settlements" (
    "job_id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "reserved" INTEGER NOT NULL,
    "charged" INTEGER NOT NULL,
    "refunded" INTEGER NOT NULL,
    "outputs" INTEGER NOT NULL,
    "settled_by" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "job_settlements_pkey" PRIMARY KEY ("job_id")
);

CREATE INDEX "job_settlements_user_id_idx" ON "job_settlements"("user_id");

-- The amounts add up and never go below zero.
ALTER TABLE "job_settlements" ADD CONSTRAINT "job_settlements_amounts_check"
  CHECK ("charged" >= 0 AND "refunded" >= 0 AND "outputs" >= 0 AND "charged" + "refunded" = "reserved");
ALTER TABLE "job_settlements" ADD CONSTRAINT "job_settlements_settled_by_check"
  CHECK ("settled_by" IN ('settle', 'reconciler', 'migration'));

-- Service-only: billing's book-keeping, visible to no tenant scope (the gateway never reads it).
ALTER TABLE "job_settlements" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "job_settlements" FORCE ROW LEVEL SECURITY;
CREATE POLICY service_job_settlements ON "job_settlements"
  USING (app_is_service())
  WITH CHECK (app_is_service());

-- Reservations settled before this table existed. A refund row means it was settled. A job
-- that COMPLETED was settled by its worker (no refund row: every output charged). A job that is
-- gone can no longer be priced, so it keeps what the ledger says. A FAILED or CANCELLED job with
-- no refund row is left to the reconciler, which charges its recorded outputs and refunds the rest.
INSERT INTO "job_settlements" ("job_id", "user_id", "reserved", "charged", "refunded", "outputs", "settled_by")
SELECT r."job_id",
       r."user_id",
       -r."amount",
       -r."amount" - LEAST(COALESCE(f."amount", 0), -r."amount"),
       LEAST(COALESCE(f."amount", 0), -r."amount"),
       (SELECT count(*)::int FROM "output_files" o WHERE o."job_id" = r."job_id"),
       'migration'
  FROM "credit_transactions" r
  LEFT JOIN "credit_transactions" f ON f."reference" = 'job:' || r."job_id" || ':refund'
  LEFT JOIN "processing_jobs" j ON j."id" = r."job_id"
 WHERE r."job_id" IS NOT NULL
   AND r."reference" = 'job:' || r."job_id" || ':reserve'
   AND (f."id" IS NOT NULL OR j."id" IS NULL OR j."status" = 'COMPLETED')
ON CONFLICT ("job_id") DO NOTHING;
