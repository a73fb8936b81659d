ALTER TABLE "published_answers" ADD COLUMN "withdrawn_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "published_answers" ADD COLUMN "withdrawn_by" integer;--> statement-breakpoint
ALTER TABLE "published_answers" ADD COLUMN "withdrawal_reason" text;--> statement-breakpoint
ALTER TABLE "published_answers" ADD CONSTRAINT "published_answers_withdrawn_by_staff_id_fk" FOREIGN KEY ("withdrawn_by") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;