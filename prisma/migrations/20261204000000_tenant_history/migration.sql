-- A tenant's message history policy: both bounds, or neither (no history, the default: it is the
-- homes' data). Read with the tenant's other session policy in the RM's admission statement.
ALTER TABLE "tenants"
    ADD COLUMN "history_max_messages" INTEGER,
    ADD COLUMN "history_max_age_seconds" INTEGER,
    ADD CONSTRAINT "tenants_history_both_or_neither"
        CHECK (("history_max_messages" IS NULL) = ("history_max_age_seconds" IS NULL));
