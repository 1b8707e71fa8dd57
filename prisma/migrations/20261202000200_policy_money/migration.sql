-- AlterTable
ALTER TABLE "RegionalPolicy" ADD COLUMN "averageWageFen" INTEGER;
ALTER TABLE "RegionalPolicy" ADD COLUMN "baseCeilingPercent" INTEGER;
ALTER TABLE "RegionalPolicy" ADD COLUMN "baseFloorPercent" INTEGER;
ALTER TABLE "RegionalPolicy" ADD COLUMN "flexibleRateBasisPoints" INTEGER;
ALTER TABLE "RegionalPolicy" ADD COLUMN "reimbursementRatios" TEXT;

