-- AlterTable
ALTER TABLE "access_tokens" ADD COLUMN "s2_version" TEXT;
