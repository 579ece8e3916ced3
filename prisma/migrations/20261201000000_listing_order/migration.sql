-- CreateIndex
CREATE INDEX "cem_nodes_tenant_id_created_at_id_idx" ON "cem_nodes"("tenant_id", "created_at", "id");

-- CreateIndex
CREATE INDEX "pairings_tenant_id_paired_at_id_idx" ON "pairings"("tenant_id", "paired_at", "id");
