-- DropIndex
DROP INDEX "RegionalPolicy_region_effectiveFrom_key";

-- AlterTable
ALTER TABLE "Agency" ADD COLUMN     "insurances" TEXT NOT NULL DEFAULT '["medical","pension"]';

-- AlterTable
ALTER TABLE "RegionalPolicy" ADD COLUMN     "insurance" TEXT NOT NULL DEFAULT 'medical';

-- CreateIndex
CREATE UNIQUE INDEX "RegionalPolicy_region_insurance_effectiveFrom_key" ON "RegionalPolicy"("region", "insurance", "effectiveFrom");

