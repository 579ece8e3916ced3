-- CreateEnum
CREATE TYPE "TenantStatus" AS ENUM ('ACTIVE', 'SUSPENDED');

-- CreateEnum
CREATE TYPE "PairingCodeKind" AS ENUM ('DYNAMIC', 'STATIC');

-- CreateEnum
CREATE TYPE "AccessTokenState" AS ENUM ('ACTIVE', 'PENDING');

-- CreateTable
CREATE TABLE "tenants" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "logo_url" TEXT,
    "status" "TenantStatus" NOT NULL DEFAULT 'ACTIVE',
    "max_cem_nodes" INTEGER,
    "max_sessions" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "tenants_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "service_accounts" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "client_id" TEXT NOT NULL,
    "secret_hash" TEXT NOT NULL,
    "revoked_at" TIMESTAMPTZ(3),
    "last_used_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "service_accounts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "cem_nodes" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "node_id_alias" TEXT NOT NULL,
    "brand" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "model_name" TEXT NOT NULL,
    "user_defined_name" TEXT,
    "logo_url" TEXT,
    "external_ref" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "cem_nodes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "pairing_codes" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "cem_node_id" UUID NOT NULL,
    "token" TEXT NOT NULL,
    "kind" "PairingCodeKind" NOT NULL,
    "expires_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "pairing_codes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "pairings" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "cem_node_id" UUID NOT NULL,
    "rm_node_id" TEXT NOT NULL,
    "rm_node_description" JSONB NOT NULL,
    "rm_endpoint_description" JSONB NOT NULL,
    "paired_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "pairings_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "access_tokens" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "pairing_id" UUID NOT NULL,
    "token_hash" TEXT NOT NULL,
    "state" "AccessTokenState" NOT NULL,
    "expires_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "access_tokens_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "unpaired_pairings" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "cem_node_id" UUID NOT NULL,
    "rm_node_id" TEXT NOT NULL,
    "access_token_hashes" TEXT[],
    "reason" TEXT NOT NULL,
    "unpaired_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "unpaired_pairings_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_events" (
    "id" BIGSERIAL NOT NULL,
    "tenant_id" UUID,
    "actor_type" TEXT NOT NULL,
    "actor_id" TEXT,
    "action" TEXT NOT NULL,
    "subject_type" TEXT,
    "subject_id" TEXT,
    "data" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "audit_events_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "service_accounts_client_id_key" ON "service_accounts"("client_id");

-- CreateIndex
CREATE INDEX "service_accounts_tenant_id_idx" ON "service_accounts"("tenant_id");

-- CreateIndex
CREATE UNIQUE INDEX "cem_nodes_node_id_alias_key" ON "cem_nodes"("node_id_alias");

-- CreateIndex
CREATE INDEX "cem_nodes_tenant_id_id_idx" ON "cem_nodes"("tenant_id", "id");

-- CreateIndex
CREATE UNIQUE INDEX "cem_nodes_tenant_id_external_ref_key" ON "cem_nodes"("tenant_id", "external_ref");

-- CreateIndex
CREATE INDEX "pairing_codes_cem_node_id_idx" ON "pairing_codes"("cem_node_id");

-- CreateIndex
CREATE UNIQUE INDEX "pairings_rm_node_id_key" ON "pairings"("rm_node_id");

-- CreateIndex
CREATE INDEX "pairings_tenant_id_cem_node_id_idx" ON "pairings"("tenant_id", "cem_node_id");

-- CreateIndex
CREATE UNIQUE INDEX "access_tokens_token_hash_key" ON "access_tokens"("token_hash");

-- CreateIndex
CREATE INDEX "access_tokens_pairing_id_idx" ON "access_tokens"("pairing_id");

-- CreateIndex
CREATE INDEX "unpaired_pairings_rm_node_id_idx" ON "unpaired_pairings"("rm_node_id");

-- CreateIndex
CREATE INDEX "unpaired_pairings_access_token_hashes_idx" ON "unpaired_pairings" USING GIN ("access_token_hashes");

-- CreateIndex
CREATE INDEX "audit_events_tenant_id_created_at_idx" ON "audit_events"("tenant_id", "created_at");

-- AddForeignKey
ALTER TABLE "service_accounts" ADD CONSTRAINT "service_accounts_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "cem_nodes" ADD CONSTRAINT "cem_nodes_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "pairing_codes" ADD CONSTRAINT "pairing_codes_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "pairing_codes" ADD CONSTRAINT "pairing_codes_cem_node_id_fkey" FOREIGN KEY ("cem_node_id") REFERENCES "cem_nodes"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "pairings" ADD CONSTRAINT "pairings_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "pairings" ADD CONSTRAINT "pairings_cem_node_id_fkey" FOREIGN KEY ("cem_node_id") REFERENCES "cem_nodes"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "access_tokens" ADD CONSTRAINT "access_tokens_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "access_tokens" ADD CONSTRAINT "access_tokens_pairing_id_fkey" FOREIGN KEY ("pairing_id") REFERENCES "pairings"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "unpaired_pairings" ADD CONSTRAINT "unpaired_pairings_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "audit_events" ADD CONSTRAINT "audit_events_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
