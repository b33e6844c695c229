-- AlterTable
ALTER TABLE "Broadcast" ADD COLUMN     "idempotencyKey" TEXT,
ADD COLUMN     "kind" TEXT NOT NULL DEFAULT 'campaign',
ADD COLUMN     "variants" JSONB;

-- CreateIndex
CREATE UNIQUE INDEX "Broadcast_idempotencyKey_key" ON "Broadcast"("idempotencyKey");
