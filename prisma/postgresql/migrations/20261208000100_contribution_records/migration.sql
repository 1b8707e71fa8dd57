-- CreateTable
CREATE TABLE "ContributionMonth" (
    "id" SERIAL NOT NULL,
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
    "recordedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ContributionMonth_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ContributionOpeningBalance" (
    "id" SERIAL NOT NULL,
    "agencyId" INTEGER NOT NULL,
    "personKey" TEXT NOT NULL,
    "insurance" TEXT NOT NULL,
    "asOfMonth" TEXT NOT NULL,
    "balanceBroughtForwardFen" INTEGER NOT NULL,
    "source" TEXT NOT NULL,
    "reason" TEXT,
    "supersedesId" INTEGER NOT NULL DEFAULT 0,
    "recordedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ContributionOpeningBalance_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ContributionPerson" (
    "personKey" TEXT NOT NULL,
    "insuredIdNumber" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ContributionPerson_pkey" PRIMARY KEY ("personKey")
);

-- CreateIndex
CREATE UNIQUE INDEX "ContributionMonth_personKey_insurance_agencyId_month_supers_key" ON "ContributionMonth"("personKey", "insurance", "agencyId", "month", "supersedesId");

-- CreateIndex
CREATE UNIQUE INDEX "ContributionOpeningBalance_personKey_insurance_agencyId_sup_key" ON "ContributionOpeningBalance"("personKey", "insurance", "agencyId", "supersedesId");

-- AddForeignKey
ALTER TABLE "ContributionMonth" ADD CONSTRAINT "ContributionMonth_agencyId_fkey" FOREIGN KEY ("agencyId") REFERENCES "Agency"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ContributionOpeningBalance" ADD CONSTRAINT "ContributionOpeningBalance_agencyId_fkey" FOREIGN KEY ("agencyId") REFERENCES "Agency"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

