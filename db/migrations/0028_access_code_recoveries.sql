-- A lost access code found again by a one-time link mailed to the applicant (src/requests/access-code-recovery.service.ts).
CREATE TABLE "access_code_recoveries" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"case_id" bigint NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "access_code_recoveries" ADD CONSTRAINT "access_code_recoveries_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "access_code_recoveries_case_idx" ON "access_code_recoveries" USING btree ("case_id","created_at");