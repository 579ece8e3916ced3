-- The people who sign in to the console. A user belongs to one tenant (role admin or viewer), or to
-- none and is then an operator. Every row dies with what grants it: a tenant takes its users, a user
-- takes its sessions and the invitations it sent.
CREATE TABLE "users" (
    "id" UUID NOT NULL,
    "tenant_id" UUID,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "password_hash" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "disabled_at" TIMESTAMPTZ(3),

    CONSTRAINT "users_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "users_role_check" CHECK ("role" IN ('admin', 'viewer', 'operator')),
    -- An operator has no tenant and a tenant's user is never an operator.
    CONSTRAINT "users_tenant_role_check" CHECK (("role" = 'operator') = ("tenant_id" IS NULL)),
    CONSTRAINT "users_email_lower_check" CHECK ("email" = lower("email"))
);

CREATE UNIQUE INDEX "users_email_key" ON "users"("email");
CREATE INDEX "users_tenant_id_created_at_idx" ON "users"("tenant_id", "created_at");

ALTER TABLE "users" ADD CONSTRAINT "users_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- A link shown once: only the SHA-256 of its token is kept. One use, a week at most.
CREATE TABLE "user_invitations" (
    "id" UUID NOT NULL,
    "token_hash" TEXT NOT NULL,
    "tenant_id" UUID,
    "email" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "invited_by" UUID,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "used_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "user_invitations_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "user_invitations_role_check" CHECK ("role" IN ('admin', 'viewer', 'operator')),
    CONSTRAINT "user_invitations_tenant_role_check" CHECK (("role" = 'operator') = ("tenant_id" IS NULL))
);

CREATE UNIQUE INDEX "user_invitations_token_hash_key" ON "user_invitations"("token_hash");
CREATE INDEX "user_invitations_tenant_id_idx" ON "user_invitations"("tenant_id");
CREATE INDEX "user_invitations_invited_by_idx" ON "user_invitations"("invited_by");

ALTER TABLE "user_invitations" ADD CONSTRAINT "user_invitations_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "user_invitations" ADD CONSTRAINT "user_invitations_invited_by_fkey" FOREIGN KEY ("invited_by") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- A signed-in browser. The id is the SHA-256 of the cookie's token, so the table holds nothing a
-- browser could present.
CREATE TABLE "console_sessions" (
    "id" TEXT NOT NULL,
    "user_id" UUID NOT NULL,
    "csrf_token" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "console_sessions_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "console_sessions_user_id_idx" ON "console_sessions"("user_id");
CREATE INDEX "console_sessions_expires_at_idx" ON "console_sessions"("expires_at");

ALTER TABLE "console_sessions" ADD CONSTRAINT "console_sessions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
