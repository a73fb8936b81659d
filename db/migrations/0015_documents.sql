ALTER TABLE "agencies" ADD COLUMN "payment_instructions" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "agencies" ADD COLUMN "seal_png" "bytea";--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "pending_draft" text;--> statement-breakpoint
UPDATE "cases" SET "pending_draft" = "snapshot"->'context'->'pendingDraft'->'event'->>'type' WHERE "snapshot"->'context'->'pendingDraft' IS NOT NULL;--> statement-breakpoint
ALTER TABLE "letters" ADD COLUMN "verification_code" text;--> statement-breakpoint
-- Letters issued before verification existed get a code too (hex digits are within the code's alphabet).
UPDATE "letters" SET "verification_code" = upper(substr(md5(random()::text || id::text || case_id::text), 1, 12));--> statement-breakpoint
ALTER TABLE "letters" ALTER COLUMN "verification_code" SET NOT NULL;--> statement-breakpoint
CREATE INDEX "cases_pending_draft_idx" ON "cases" USING btree ("agency_id","due_on","id") WHERE pending_draft is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "letters_verification_code_idx" ON "letters" USING btree ("verification_code");