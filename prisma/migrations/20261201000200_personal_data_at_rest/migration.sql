-- Personal data at rest (docs/personal-data.md). The insured person's name and ID number become
-- AES-256-GCM ciphertext in the same columns, found again through blind indexes (keyed hashes).
-- SQL cannot see the data key: the service encrypts the rows written before this migration at
-- start-up (src/privacy/atRest.ts), in batches, recognising them by insuredIdIndex IS NULL.

-- DropIndex
DROP INDEX "Case_insuredIdNumber_idx";

-- DropIndex
DROP INDEX "Case_insuredName_fromAgencyId_toAgencyId_nextDueOn_id_idx";

-- AlterTable
ALTER TABLE "Case" ADD COLUMN "insuredIdIndex" TEXT;
ALTER TABLE "Case" ADD COLUMN "insuredNamePrefix1" TEXT;
ALTER TABLE "Case" ADD COLUMN "insuredNamePrefix2" TEXT;
ALTER TABLE "Case" ADD COLUMN "insuredNamePrefix3" TEXT;
ALTER TABLE "Case" ADD COLUMN "insuredNamePrefix4" TEXT;

-- CreateIndex
CREATE INDEX "Case_idIndex_idx" ON "Case"("insuredIdIndex");

-- CreateIndex
CREATE INDEX "Case_namePrefix1_idx" ON "Case"("insuredNamePrefix1", "fromAgencyId", "toAgencyId", "nextDueOn", "id");

-- CreateIndex
CREATE INDEX "Case_namePrefix2_idx" ON "Case"("insuredNamePrefix2", "fromAgencyId", "toAgencyId", "nextDueOn", "id");

-- CreateIndex
CREATE INDEX "Case_namePrefix3_idx" ON "Case"("insuredNamePrefix3", "fromAgencyId", "toAgencyId", "nextDueOn", "id");

-- CreateIndex
CREATE INDEX "Case_namePrefix4_idx" ON "Case"("insuredNamePrefix4", "fromAgencyId", "toAgencyId", "nextDueOn", "id");

