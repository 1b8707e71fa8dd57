-- DropIndex
DROP INDEX "Case_fromAgencyId_actingSide_stepDueOn_idx";

-- DropIndex
DROP INDEX "Case_toAgencyId_actingSide_stepDueOn_idx";

-- AlterTable
ALTER TABLE "Case" ADD COLUMN     "nextDueOn" TEXT;

-- Backfill: the earliest of the step and overall due dates of every open case.
UPDATE "Case" SET "nextDueOn" = CASE
  WHEN "final" THEN NULL
  WHEN "stepDueOn" IS NULL THEN "dueOn"
  WHEN "dueOn" IS NULL THEN "stepDueOn"
  WHEN "dueOn" < "stepDueOn" THEN "dueOn"
  ELSE "stepDueOn"
END;

-- CreateIndex
CREATE INDEX "Case_fromAgencyId_actingSide_nextDueOn_id_idx" ON "Case"("fromAgencyId", "actingSide", "nextDueOn", "id");

-- CreateIndex
CREATE INDEX "Case_toAgencyId_actingSide_nextDueOn_id_idx" ON "Case"("toAgencyId", "actingSide", "nextDueOn", "id");

-- CreateIndex
CREATE INDEX "Case_insuredName_fromAgencyId_toAgencyId_nextDueOn_id_idx" ON "Case"("insuredName", "fromAgencyId", "toAgencyId", "nextDueOn", "id");

