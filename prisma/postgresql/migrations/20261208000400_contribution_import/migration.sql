-- CreateTable
CREATE TABLE "ContributionImport" (
    "id" TEXT NOT NULL,
    "dryRun" BOOLEAN NOT NULL DEFAULT false,
    "fileSha256" TEXT NOT NULL,
    "format" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "phase" TEXT NOT NULL DEFAULT 'checking',
    "total" INTEGER NOT NULL,
    "processed" INTEGER NOT NULL DEFAULT 0,
    "added" INTEGER NOT NULL DEFAULT 0,
    "corrected" INTEGER NOT NULL DEFAULT 0,
    "unchanged" INTEGER NOT NULL DEFAULT 0,
    "refused" INTEGER NOT NULL DEFAULT 0,
    "people" INTEGER NOT NULL DEFAULT 0,
    "results" TEXT NOT NULL DEFAULT '[]',
    "failure" TEXT,
    "createdById" INTEGER NOT NULL,
    "agencyId" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ContributionImport_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ContributionImport_agencyId_createdAt_idx" ON "ContributionImport"("agencyId", "createdAt");

