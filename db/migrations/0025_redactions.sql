-- Redactions (art. 37): a redacted copy of a case's document and its marks (src/documents/redaction.service.ts).
CREATE TABLE "redactions" (
	"id" serial PRIMARY KEY NOT NULL,
	"case_id" bigint NOT NULL,
	"source_id" uuid NOT NULL,
	"result_id" uuid NOT NULL,
	"marks" jsonb NOT NULL,
	"created_by" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "redactions_result_id_unique" UNIQUE("result_id")
);
--> statement-breakpoint
ALTER TABLE "redactions" ADD CONSTRAINT "redactions_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "redactions" ADD CONSTRAINT "redactions_source_id_attachments_id_fk" FOREIGN KEY ("source_id") REFERENCES "public"."attachments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "redactions" ADD CONSTRAINT "redactions_result_id_attachments_id_fk" FOREIGN KEY ("result_id") REFERENCES "public"."attachments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "redactions" ADD CONSTRAINT "redactions_created_by_staff_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "redactions_case_idx" ON "redactions" USING btree ("case_id");