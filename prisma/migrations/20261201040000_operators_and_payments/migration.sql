-- Operators (users.role), Stripe customers, and credit adjustments by operators.
-- CreateEnum
CREATE TYPE "UserRole" AS ENUM ('USER', 'ADMIN');

-- AlterEnum
ALTER TYPE "TransactionType" ADD VALUE 'ADJUSTMENT';

-- AlterTable
ALTER TABLE "users" ADD COLUMN     "role" "UserRole" NOT NULL DEFAULT 'USER',
ADD COLUMN     "stripe_customer_id" TEXT;

-- AlterTable
ALTER TABLE "credit_transactions" ADD COLUMN     "actor_user_id" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "users_stripe_customer_id_key" ON "users"("stripe_customer_id");


-- Adjustments (grants or take-backs by operators, credits of a refunded payment taken back) may
-- go either way, and may be 0 when a take-back found nothing left (the entry then records the
-- shortfall and keeps the take-back idempotent). The other types keep their rules. ADJUSTMENT
-- is not named here because an enum value added in a migration cannot be used in the same one.
-- (No semicolons in these comments: the migration runner splits statements on them.)
ALTER TABLE "credit_transactions" DROP CONSTRAINT "credit_transactions_amount_sign";
ALTER TABLE "credit_transactions" ADD CONSTRAINT "credit_transactions_amount_sign" CHECK (
  "type" NOT IN ('USAGE', 'PURCHASE', 'REFUND') OR ("type" = 'USAGE') = ("amount" < 0)
);
ALTER TABLE "credit_transactions" DROP CONSTRAINT "credit_transactions_amount_not_zero";
ALTER TABLE "credit_transactions" ADD CONSTRAINT "credit_transactions_amount_not_zero" CHECK (
  "type" NOT IN ('USAGE', 'PURCHASE', 'REFUND') OR "amount" <> 0
);
