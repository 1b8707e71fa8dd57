-- AlterTable
ALTER TABLE "Case" ADD COLUMN "fromAssigneeId" INTEGER;
ALTER TABLE "Case" ADD COLUMN "toAssigneeId" INTEGER;

-- CreateTable
CREATE TABLE "CaseAssignment" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "caseId" TEXT NOT NULL,
    "agencyId" INTEGER NOT NULL,
    "fromUserId" INTEGER,
    "fromUsername" TEXT,
    "toUserId" INTEGER,
    "toUsername" TEXT,
    "actorId" INTEGER NOT NULL,
    "actorName" TEXT NOT NULL,
    "reason" TEXT NOT NULL DEFAULT 'assign',
    "at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "CaseAssignment_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "CaseNote" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "caseId" TEXT NOT NULL,
    "agencyId" INTEGER NOT NULL,
    "authorId" INTEGER NOT NULL,
    "authorName" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "CaseNote_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "CaseAttachment" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "caseId" TEXT NOT NULL,
    "agencyId" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "mediaType" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "sha256" TEXT NOT NULL,
    "fileName" TEXT NOT NULL,
    "content" BLOB NOT NULL,
    "supersedesId" TEXT,
    "uploadedById" INTEGER NOT NULL,
    "uploadedByName" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "CaseAttachment_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Agency" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "region" TEXT NOT NULL,
    "limits" TEXT NOT NULL DEFAULT '{}',
    "requireDocuments" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
INSERT INTO "new_Agency" ("code", "createdAt", "id", "limits", "name", "region") SELECT "code", "createdAt", "id", "limits", "name", "region" FROM "Agency";
DROP TABLE "Agency";
ALTER TABLE "new_Agency" RENAME TO "Agency";
CREATE UNIQUE INDEX "Agency_code_key" ON "Agency"("code");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

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

