-- Pairing codes are dynamic only: S2 Connect allows static tokens only for nodes without a user
-- interface, and a CEM node always has one. The static codes issued so far stop working here.
DELETE FROM "pairing_codes" WHERE "kind" = 'STATIC' OR "expires_at" IS NULL;

ALTER TABLE "pairing_codes" ALTER COLUMN "expires_at" SET NOT NULL;

-- The column stays for replicas of the previous release that write it during a rolling upgrade; what
-- they could write is DYNAMIC only.
ALTER TABLE "pairing_codes" ALTER COLUMN "kind" SET DEFAULT 'DYNAMIC';
ALTER TABLE "pairing_codes" ADD CONSTRAINT "pairing_codes_dynamic_only" CHECK ("kind" = 'DYNAMIC');
