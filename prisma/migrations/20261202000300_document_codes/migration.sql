-- CreateTable
CREATE TABLE "DocumentCode" (
    "code" TEXT NOT NULL PRIMARY KEY,
    "caseId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateIndex
CREATE UNIQUE INDEX "DocumentCode_caseId_seq_kind_key" ON "DocumentCode"("caseId", "seq", "kind");

