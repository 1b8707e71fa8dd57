-- CreateTable
CREATE TABLE "ContributionMonth" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "agencyId" INTEGER NOT NULL,
    "personKey" TEXT NOT NULL,
    "insurance" TEXT NOT NULL,
    "month" TEXT NOT NULL,
    "baseFen" INTEGER NOT NULL,
    "employerFen" INTEGER NOT NULL,
    "individualFen" INTEGER NOT NULL,
    "accountCreditFen" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "payer" TEXT NOT NULL,
    "employerCreditCode" TEXT,
    "source" TEXT NOT NULL,
    "fromAgencyId" INTEGER,
    "caseId" TEXT,
    "reason" TEXT,
    "supersedesId" INTEGER NOT NULL DEFAULT 0,
    "recordedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ContributionMonth_agencyId_fkey" FOREIGN KEY ("agencyId") REFERENCES "Agency" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ContributionOpeningBalance" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "agencyId" INTEGER NOT NULL,
    "personKey" TEXT NOT NULL,
    "insurance" TEXT NOT NULL,
    "asOfMonth" TEXT NOT NULL,
    "balanceBroughtForwardFen" INTEGER NOT NULL,
    "source" TEXT NOT NULL,
    "reason" TEXT,
    "supersedesId" INTEGER NOT NULL DEFAULT 0,
    "recordedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ContributionOpeningBalance_agencyId_fkey" FOREIGN KEY ("agencyId") REFERENCES "Agency" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ContributionPerson" (
    "personKey" TEXT NOT NULL PRIMARY KEY,
    "insuredIdNumber" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateIndex
CREATE UNIQUE INDEX "ContributionMonth_personKey_insurance_agencyId_month_supersedesId_key" ON "ContributionMonth"("personKey", "insurance", "agencyId", "month", "supersedesId");

-- CreateIndex
CREATE UNIQUE INDEX "ContributionOpeningBalance_personKey_insurance_agencyId_supersedesId_key" ON "ContributionOpeningBalance"("personKey", "insurance", "agencyId", "supersedesId");

