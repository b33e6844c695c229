-- AlterTable
ALTER TABLE "ProcessedUpdate" ADD COLUMN     "claimed" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "failures" INTEGER NOT NULL DEFAULT 0;

-- CreateIndex
CREATE INDEX "ProcessedUpdate_processedAt_idx" ON "ProcessedUpdate"("processedAt");
