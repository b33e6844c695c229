-- AlterTable
ALTER TABLE "CommunicationGroup" ADD COLUMN     "joinCode" TEXT;

-- CreateTable
CREATE TABLE "RetiredJoinCode" (
    "code" TEXT NOT NULL,
    "groupId" INTEGER NOT NULL,
    "retiredAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RetiredJoinCode_pkey" PRIMARY KEY ("code")
);

-- CreateIndex
CREATE UNIQUE INDEX "CommunicationGroup_joinCode_key" ON "CommunicationGroup"("joinCode");

-- AddForeignKey
ALTER TABLE "RetiredJoinCode" ADD CONSTRAINT "RetiredJoinCode_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "CommunicationGroup"("id") ON DELETE CASCADE ON UPDATE CASCADE;
