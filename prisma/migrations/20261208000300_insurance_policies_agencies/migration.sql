-- Policies per insurance (issue #28): the policies from before are medical; the unique key is
-- (region, insurance, effectiveFrom). Agencies state the insurances they handle; those from
-- before handle both, so nothing existing is refused.

-- AlterTable
ALTER TABLE "Agency" ADD COLUMN "insurances" TEXT NOT NULL DEFAULT '["medical","pension"]';

-- AlterTable
ALTER TABLE "RegionalPolicy" ADD COLUMN "insurance" TEXT NOT NULL DEFAULT 'medical';

-- DropIndex
DROP INDEX "RegionalPolicy_region_effectiveFrom_key";

-- CreateIndex
CREATE UNIQUE INDEX "RegionalPolicy_region_insurance_effectiveFrom_key" ON "RegionalPolicy"("region", "insurance", "effectiveFrom");
