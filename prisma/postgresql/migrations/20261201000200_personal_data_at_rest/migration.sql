-- DropIndex
DROP INDEX "Case_insuredIdNumber_idx";

-- DropIndex
DROP INDEX "Case_insuredName_fromAgencyId_toAgencyId_nextDueOn_id_idx";

-- AlterTable
ALTER TABLE "Case" ADD COLUMN     "insuredIdIndex" TEXT,
ADD COLUMN     "insuredNamePrefix1" TEXT,
ADD COLUMN     "insuredNamePrefix2" TEXT,
ADD COLUMN     "insuredNamePrefix3" TEXT,
ADD COLUMN     "insuredNamePrefix4" TEXT;

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

