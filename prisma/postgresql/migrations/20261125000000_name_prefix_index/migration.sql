-- DropIndex
DROP INDEX "Case_insuredName_fromAgencyId_toAgencyId_nextDueOn_id_idx";

-- CreateIndex
CREATE INDEX "Case_insuredName_fromAgencyId_toAgencyId_nextDueOn_id_idx" ON "Case"("insuredName" text_pattern_ops, "fromAgencyId", "toAgencyId", "nextDueOn", "id");

