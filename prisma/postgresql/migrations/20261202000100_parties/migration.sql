-- AlterTable
ALTER TABLE "Case" ADD COLUMN     "employerCreditCode" TEXT,
ADD COLUMN     "employerName" TEXT,
ADD COLUMN     "insurance" TEXT NOT NULL DEFAULT 'medical',
ADD COLUMN     "scheme" TEXT NOT NULL DEFAULT 'employee',
ADD COLUMN     "toScheme" TEXT;

-- CreateTable
CREATE TABLE "OpenEnrolment" (
    "personKey" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "caseId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "OpenEnrolment_pkey" PRIMARY KEY ("personKey","kind")
);

-- CreateIndex
CREATE UNIQUE INDEX "OpenEnrolment_caseId_key" ON "OpenEnrolment"("caseId");

-- CreateIndex
CREATE INDEX "Case_employerCreditCode_nextDueOn_id_idx" ON "Case"("employerCreditCode", "nextDueOn", "id");


-- Data: existing cases get their insurance from their type (scheme: employee, the column default),
-- and every open case claims its (person, kind); where a database already holds duplicate open
-- cases, the earliest opened keeps the claim and the others are listed by `npm run verify`.
UPDATE "Case" SET "insurance" = 'pension' WHERE "type" = 'pensionTransfer';
INSERT INTO "OpenEnrolment" ("personKey", "kind", "caseId")
SELECT "insuredIdIndex", (CASE WHEN "type" = 'renewal' THEN 'renewal:' ELSE 'transfer:' END) || "insurance", "id"
FROM "Case" WHERE "final" = false AND "insuredIdIndex" IS NOT NULL ORDER BY "openedOn", "id"
ON CONFLICT DO NOTHING;
