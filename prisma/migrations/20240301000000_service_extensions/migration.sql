-- AlterTable
ALTER TABLE "processing_jobs" ADD COLUMN     "credits_reserved" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "idempotency_key" TEXT,
ADD COLUMN     "output_count" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "request_hash" TEXT,
ADD COLUMN     "seed" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "settings" JSONB NOT NULL DEFAULT '{}',
ADD COLUMN     "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- AlterTable
ALTER TABLE "output_files" ADD COLUMN     "combination_index" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "credit_transactions" ADD COLUMN     "job_id" TEXT,
ADD COLUMN     "reference" TEXT;

-- CreateTable
CREATE TABLE "api_keys" (
    "id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "key_hash" TEXT NOT NULL,
    "expires_at" TIMESTAMP(3),
    "revoked_at" TIMESTAMP(3),
    "last_used_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "api_keys_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "api_keys_prefix_key" ON "api_keys"("prefix");

-- CreateIndex
CREATE UNIQUE INDEX "api_keys_key_hash_key" ON "api_keys"("key_hash");

-- CreateIndex
CREATE INDEX "api_keys_user_id_created_at_idx" ON "api_keys"("user_id", "created_at" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "processing_jobs_project_id_idempotency_key_key" ON "processing_jobs"("project_id", "idempotency_key");

-- CreateIndex
CREATE UNIQUE INDEX "output_files_job_id_combination_index_key" ON "output_files"("job_id", "combination_index");

-- CreateIndex
CREATE UNIQUE INDEX "credit_transactions_reference_key" ON "credit_transactions"("reference");

-- CreateIndex
CREATE INDEX "credit_transactions_job_id_idx" ON "credit_transactions"("job_id");

-- AddForeignKey
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Hand-written checks for the columns above.
ALTER TABLE "processing_jobs"
  ADD CONSTRAINT "processing_jobs_output_count_non_negative" CHECK ("output_count" >= 0),
  ADD CONSTRAINT "processing_jobs_credits_reserved_non_negative" CHECK ("credits_reserved" >= 0);
ALTER TABLE "output_files"
  ADD CONSTRAINT "output_files_combination_index_non_negative" CHECK ("combination_index" >= 0);
ALTER TABLE "api_keys"
  ADD CONSTRAINT "api_keys_name_not_empty" CHECK (length(btrim("name")) > 0);
