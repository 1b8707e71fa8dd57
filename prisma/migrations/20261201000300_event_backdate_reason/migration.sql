-- AlterTable
ALTER TABLE "CaseEvent" ADD COLUMN "backdateReason" TEXT;
