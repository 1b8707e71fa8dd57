
-- CreateTable
CREATE TABLE "OpenEnrolment" (
    "personKey" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "caseId" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("personKey", "kind")
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Case" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "caseNumber" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "machineVersion" INTEGER NOT NULL,
    "state" TEXT NOT NULL,
    "snapshot" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "actingSide" TEXT NOT NULL,
    "fromAgencyId" INTEGER NOT NULL,
    "toAgencyId" INTEGER NOT NULL,
    "insuredName" TEXT NOT NULL,
    "insuredIdNumber" TEXT NOT NULL,
    "insuredIdIndex" TEXT,
    "insuredNamePrefix1" TEXT,
    "insuredNamePrefix2" TEXT,
    "insuredNamePrefix3" TEXT,
    "insuredNamePrefix4" TEXT,
    "stepStartedOn" TEXT,
    "stepDueOn" TEXT,
    "stepSeq" INTEGER,
    "overallStartedOn" TEXT,
    "dueOn" TEXT,
    "nextDueOn" TEXT,
    "provisional" BOOLEAN NOT NULL DEFAULT false,
    "final" BOOLEAN NOT NULL DEFAULT false,
    "openedOn" TEXT NOT NULL,
    "lastOccurredOn" TEXT NOT NULL,
    "insurance" TEXT NOT NULL DEFAULT 'medical',
    "scheme" TEXT NOT NULL DEFAULT 'employee',
    "toScheme" TEXT,
    "employerName" TEXT,
    "employerCreditCode" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Case_fromAgencyId_fkey" FOREIGN KEY ("fromAgencyId") REFERENCES "Agency" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "Case_toAgencyId_fkey" FOREIGN KEY ("toAgencyId") REFERENCES "Agency" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
INSERT INTO "new_Case" ("actingSide", "caseNumber", "createdAt", "dueOn", "final", "fromAgencyId", "id", "insuredIdIndex", "insuredIdNumber", "insuredName", "insuredNamePrefix1", "insuredNamePrefix2", "insuredNamePrefix3", "insuredNamePrefix4", "lastOccurredOn", "machineVersion", "nextDueOn", "openedOn", "overallStartedOn", "provisional", "snapshot", "state", "stepDueOn", "stepSeq", "stepStartedOn", "toAgencyId", "type", "updatedAt", "version") SELECT "actingSide", "caseNumber", "createdAt", "dueOn", "final", "fromAgencyId", "id", "insuredIdIndex", "insuredIdNumber", "insuredName", "insuredNamePrefix1", "insuredNamePrefix2", "insuredNamePrefix3", "insuredNamePrefix4", "lastOccurredOn", "machineVersion", "nextDueOn", "openedOn", "overallStartedOn", "provisional", "snapshot", "state", "stepDueOn", "stepSeq", "stepStartedOn", "toAgencyId", "type", "updatedAt", "version" FROM "Case";
DROP TABLE "Case";
ALTER TABLE "new_Case" RENAME TO "Case";
CREATE UNIQUE INDEX "Case_caseNumber_key" ON "Case"("caseNumber");
CREATE INDEX "Case_fromAgencyId_actingSide_nextDueOn_id_idx" ON "Case"("fromAgencyId", "actingSide", "nextDueOn", "id");
CREATE INDEX "Case_toAgencyId_actingSide_nextDueOn_id_idx" ON "Case"("toAgencyId", "actingSide", "nextDueOn", "id");
CREATE INDEX "Case_final_stepDueOn_idx" ON "Case"("final", "stepDueOn");
CREATE INDEX "Case_state_idx" ON "Case"("state");
CREATE INDEX "Case_idIndex_idx" ON "Case"("insuredIdIndex");
CREATE INDEX "Case_employerCreditCode_nextDueOn_id_idx" ON "Case"("employerCreditCode", "nextDueOn", "id");
CREATE INDEX "Case_namePrefix1_idx" ON "Case"("insuredNamePrefix1", "fromAgencyId", "toAgencyId", "nextDueOn", "id");
CREATE INDEX "Case_namePrefix2_idx" ON "Case"("insuredNamePrefix2", "fromAgencyId", "toAgencyId", "nextDueOn", "id");
CREATE INDEX "Case_namePrefix3_idx" ON "Case"("insuredNamePrefix3", "fromAgencyId", "toAgencyId", "nextDueOn", "id");
CREATE INDEX "Case_namePrefix4_idx" ON "Case"("insuredNamePrefix4", "fromAgencyId", "toAgencyId", "nextDueOn", "id");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE UNIQUE INDEX "OpenEnrolment_caseId_key" ON "OpenEnrolment"("caseId");


-- Data: existing cases get their insurance from their type (scheme: employee, the column default),
-- and every open case claims its (person, kind); where a database already holds duplicate open
-- cases, the earliest opened keeps the claim and the others are listed by `npm run verify`.
UPDATE "Case" SET "insurance" = 'pension' WHERE "type" = 'pensionTransfer';
INSERT INTO "OpenEnrolment" ("personKey", "kind", "caseId")
SELECT "insuredIdIndex", (CASE WHEN "type" = 'renewal' THEN 'renewal:' ELSE 'transfer:' END) || "insurance", "id"
FROM "Case" WHERE "final" = false AND "insuredIdIndex" IS NOT NULL ORDER BY "openedOn", "id"
ON CONFLICT DO NOTHING;
