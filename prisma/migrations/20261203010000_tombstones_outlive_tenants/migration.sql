-- What remains of a pairing outlives its tenant: after a tenant is deleted its RMs are answered
-- NoLongerPaired (S2 Connect: do not retry, tell the user), not 401. The rows hold token hashes only.
ALTER TABLE "unpaired_pairings" DROP CONSTRAINT "unpaired_pairings_tenant_id_fkey";
