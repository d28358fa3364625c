-- Webhooks (issue 16, docs/webhooks.md): users' endpoints, one delivery row per (event, endpoint),
-- and the client's metadata object that a job's events echo.
-- (Prisma's engine splits this file on semicolons, even inside comments: none here hold one.)
-- CreateEnum
CREATE TYPE "WebhookDeliveryStatus" AS ENUM ('PENDING', 'DELIVERED', 'FAILED');

-- AlterTable
ALTER TABLE "processing_jobs" ADD COLUMN     "client_metadata" JSONB;

-- CreateTable
CREATE TABLE "webhook_endpoints" (
    "id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "events" TEXT[],
    "description" TEXT,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "secret" TEXT NOT NULL,
    "previous_secret" TEXT,
    "previous_secret_expires_at" TIMESTAMP(3),
    "failing_since" TIMESTAMP(3),
    "disabled_reason" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "webhook_endpoints_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "webhook_deliveries" (
    "id" TEXT NOT NULL,
    "endpoint_id" TEXT NOT NULL,
    "event_key" TEXT NOT NULL,
    "event_type" TEXT NOT NULL,
    "payload" TEXT NOT NULL,
    "status" "WebhookDeliveryStatus" NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_status_code" INTEGER,
    "last_error" TEXT,
    "next_attempt_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "delivered_at" TIMESTAMP(3),
    "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "webhook_deliveries_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "webhook_endpoints_user_id_created_at_idx" ON "webhook_endpoints"("user_id", "created_at" DESC);

-- CreateIndex
CREATE INDEX "webhook_deliveries_endpoint_id_created_at_idx" ON "webhook_deliveries"("endpoint_id", "created_at" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "webhook_deliveries_endpoint_id_event_key_key" ON "webhook_deliveries"("endpoint_id", "event_key");

-- AddForeignKey
ALTER TABLE "webhook_endpoints" ADD CONSTRAINT "webhook_endpoints_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_endpoint_id_fkey" FOREIGN KEY ("endpoint_id") REFERENCES "webhook_endpoints"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- The events an endpoint may subscribe to, at least one.
ALTER TABLE "webhook_endpoints" ADD CONSTRAINT "webhook_endpoints_events_known"
  CHECK (cardinality("events") >= 1 AND "events" <@ ARRAY['job.completed', 'job.failed', 'job.cancelled', 'output.ready']::TEXT[]);
ALTER TABLE "webhook_endpoints" ADD CONSTRAINT "webhook_endpoints_url_length"
  CHECK (char_length("url") <= 2048);
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_attempts_check"
  CHECK ("attempts" >= 0);

-- The deliverer's queue: the pending deliveries that are due.
CREATE INDEX "webhook_deliveries_due_idx" ON "webhook_deliveries"("next_attempt_at")
  WHERE "status" = 'PENDING';

-- Row level security like the other tenant tables: a user sees its own endpoints and their
-- deliveries, a service (the media worker's deliverer) sees every one.
ALTER TABLE "webhook_endpoints" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "webhook_endpoints" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_webhook_endpoints ON "webhook_endpoints"
  USING (app_is_service() OR "user_id" = app_current_user_id())
  WITH CHECK (app_is_service() OR "user_id" = app_current_user_id());

ALTER TABLE "webhook_deliveries" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "webhook_deliveries" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_webhook_deliveries ON "webhook_deliveries"
  USING (app_is_service() OR "endpoint_id" IN (SELECT "id" FROM "webhook_endpoints" WHERE "user_id" = app_current_user_id()))
  WITH CHECK (app_is_service() OR "endpoint_id" IN (SELECT "id" FROM "webhook_endpoints" WHERE "user_id" = app_current_user_id()));
