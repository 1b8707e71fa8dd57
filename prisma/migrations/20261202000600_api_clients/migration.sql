-- CreateTable
CREATE TABLE "ApiClient" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "agencyId" INTEGER NOT NULL,
    "events" TEXT NOT NULL,
    "keySalt" TEXT NOT NULL,
    "keyHash" TEXT NOT NULL,
    "revokedAt" DATETIME,
    "revokedBy" TEXT,
    "lastUsedAt" DATETIME,
    "createdBy" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ApiClient_agencyId_fkey" FOREIGN KEY ("agencyId") REFERENCES "Agency" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "ApiClient_agencyId_idx" ON "ApiClient"("agencyId");

