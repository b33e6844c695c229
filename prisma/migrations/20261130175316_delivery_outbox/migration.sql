-- DropIndex
DROP INDEX "Delivery_status_priority_nextAttemptAt_idx";

-- AlterTable
ALTER TABLE "Broadcast" ADD COLUMN     "reason" TEXT;

-- AlterTable
ALTER TABLE "Delivery" ADD COLUMN     "attemptStartedAt" TIMESTAMP(3),
ADD COLUMN     "partsSent" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "platform" TEXT NOT NULL;

-- AlterTable
ALTER TABLE "Schedule" ADD COLUMN     "atTime" TEXT,
ADD COLUMN     "priority" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "RateClock" (
    "platform" TEXT NOT NULL,
    "nextAtMs" BIGINT NOT NULL,

    CONSTRAINT "RateClock_pkey" PRIMARY KEY ("platform")
);

-- CreateIndex
CREATE INDEX "Delivery_platform_status_priority_nextAttemptAt_idx" ON "Delivery"("platform", "status", "priority", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "Delivery_broadcastId_status_idx" ON "Delivery"("broadcastId", "status");
