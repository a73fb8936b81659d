CREATE TABLE "agency_seals" (
	"agency_id" integer PRIMARY KEY NOT NULL,
	"png" "bytea" NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "agency_seals" ADD CONSTRAINT "agency_seals_agency_id_agencies_id_fk" FOREIGN KEY ("agency_id") REFERENCES "public"."agencies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
-- Seals uploaded while they were a column of agencies move with their agency.
INSERT INTO "agency_seals" ("agency_id", "png", "updated_at") SELECT "id", "seal_png", "updated_at" FROM "agencies" WHERE "seal_png" IS NOT NULL;--> statement-breakpoint
ALTER TABLE "agencies" DROP COLUMN "seal_png";