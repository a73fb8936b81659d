CREATE TABLE "letter_services" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"letter_id" bigint NOT NULL,
	"case_id" bigint NOT NULL,
	"method" text NOT NULL,
	"served_on" date NOT NULL,
	"reference" text,
	"proof_attachment_id" uuid,
	"recorded_by" integer,
	"recorded_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "agencies" ADD COLUMN "review_online" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "awaiting_service" text;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "channel" text DEFAULT 'mail' NOT NULL;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "letter_seq" integer;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "provider_ref" text;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "sms_params" jsonb;--> statement-breakpoint
ALTER TABLE "letter_services" ADD CONSTRAINT "letter_services_letter_id_letters_id_fk" FOREIGN KEY ("letter_id") REFERENCES "public"."letters"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "letter_services" ADD CONSTRAINT "letter_services_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "letter_services" ADD CONSTRAINT "letter_services_proof_attachment_id_attachments_id_fk" FOREIGN KEY ("proof_attachment_id") REFERENCES "public"."attachments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "letter_services_case_idx" ON "letter_services" USING btree ("case_id");--> statement-breakpoint
CREATE INDEX "letter_services_letter_idx" ON "letter_services" USING btree ("letter_id");--> statement-breakpoint
CREATE INDEX "cases_awaiting_service_idx" ON "cases" USING btree ("agency_id","id") WHERE awaiting_service is not null;--> statement-breakpoint
CREATE INDEX "outbox_provider_ref_idx" ON "outbox" USING btree ("provider_ref") WHERE provider_ref is not null;--> statement-breakpoint
-- The applicant's view shows each letter's service: a record written rewrites its case row, as the
-- letters themselves do (migration 0009).
CREATE TRIGGER "letter_services_touch_case" AFTER INSERT OR UPDATE OR DELETE ON "letter_services" FOR EACH ROW
  WHEN (current_setting('ogi.filing_new_cases', true) IS DISTINCT FROM 'on') EXECUTE FUNCTION "touch_case_of_row"();
