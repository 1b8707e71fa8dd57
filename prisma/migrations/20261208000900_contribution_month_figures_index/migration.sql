-- CreateIndex
CREATE INDEX "ContributionMonth_figures_idx" ON "ContributionMonth"("personKey", "insurance", "agencyId", "month", "id", "status", "baseFen", "employerFen", "individualFen", "accountCreditFen", "payer", "employerCreditCode");

