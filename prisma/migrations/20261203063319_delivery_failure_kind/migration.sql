-- AlterTable
ALTER TABLE "Delivery" ADD COLUMN     "failureKind" TEXT;
