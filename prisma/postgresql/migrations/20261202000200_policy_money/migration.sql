-- AlterTable
ALTER TABLE "RegionalPolicy" ADD COLUMN     "averageWageFen" INTEGER,
ADD COLUMN     "baseCeilingPercent" INTEGER,
ADD COLUMN     "baseFloorPercent" INTEGER,
ADD COLUMN     "flexibleRateBasisPoints" INTEGER,
ADD COLUMN     "reimbursementRatios" TEXT;

