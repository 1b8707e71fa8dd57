-- AlterTable
ALTER TABLE "Agency" ADD COLUMN     "requireDocuments" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "Case" ADD COLUMN     "fromAssigneeId" INTEGER,
ADD COLUMN     "toAssigneeId" INTEGER;

-- CreateTable
CREATE TABLE "CaseAssignment" (
    "id" SERIAL NOT NULL,
    "caseId" TEXT NOT NULL,
    "agencyId" INTEGER NOT NULL,
    "fromUserId" INTEGER,
    "fromUsername" TEXT,
    "toUserId" INTEGER,
    "toUsername" TEXT,
    "actorId" INTEGER NOT NULL,
    "actorName" TEXT NOT NULL,
    "reason" TEXT NOT NULL DEFAULT 'assign',
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CaseAssignment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CaseNote" (
    "id" SERIAL NOT NULL,
    "caseId" TEXT NOT NULL,
    "agencyId" INTEGER NOT NULL,
    "authorId" INTEGER NOT NULL,
    "authorName" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CaseNote_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CaseAttachment" (
    "id" TEXT NOT NULL,
    "caseId" TEXT NOT NULL,
    "agencyId" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "mediaType" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "sha256" TEXT NOT NULL,
    "fileName" TEXT NOT NULL,
    "content" BYTEA NOT NULL,
    "supersedesId" TEXT,
    "uploadedById" INTEGER NOT NULL,
    "uploadedByName" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CaseAttachment_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "CaseAssignment_caseId_id_idx" ON "CaseAssignment"("caseId", "id");

-- CreateIndex
CREATE INDEX "CaseNote_caseId_id_idx" ON "CaseNote"("caseId", "id");

-- CreateIndex
CREATE INDEX "CaseAttachment_caseId_createdAt_idx" ON "CaseAttachment"("caseId", "createdAt");

-- CreateIndex
CREATE INDEX "Case_fromAgencyId_fromAssigneeId_actingSide_nextDueOn_id_idx" ON "Case"("fromAgencyId", "fromAssigneeId", "actingSide", "nextDueOn", "id");

-- CreateIndex
CREATE INDEX "Case_toAgencyId_toAssigneeId_actingSide_nextDueOn_id_idx" ON "Case"("toAgencyId", "toAssigneeId", "actingSide", "nextDueOn", "id");

-- AddForeignKey
ALTER TABLE "CaseAssignment" ADD CONSTRAINT "CaseAssignment_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CaseNote" ADD CONSTRAINT "CaseNote_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CaseAttachment" ADD CONSTRAINT "CaseAttachment_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

