CREATE TABLE "jurisdictions" (
	"id" serial PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"short_name" text NOT NULL,
	"level" text NOT NULL,
	"parent_id" integer,
	"portal_title" text NOT NULL,
	"mail_footer" text NOT NULL,
	"public_url" text DEFAULT '' NOT NULL,
	"host" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "jurisdictions_code_unique" UNIQUE("code"),
	CONSTRAINT "jurisdictions_host_unique" UNIQUE("host")
);
--> statement-breakpoint
-- An installation upgraded from the one-district version served 湘潭市雨湖区 (its name was written into
-- the pages): its agencies become that jurisdiction's. An administrator renames it on the
-- administration page if the installation serves another government (docs/jurisdictions.md).
INSERT INTO "jurisdictions" ("code", "name", "short_name", "level", "portal_title", "mail_footer")
SELECT '430302', '湘潭市雨湖区', '雨湖区', 'county', '雨湖区政府信息公开申请平台', '本邮件由雨湖区政府信息公开申请平台自动发送，请勿直接回复。'
WHERE EXISTS (SELECT 1 FROM "agencies");--> statement-breakpoint
ALTER TABLE "agencies" ADD COLUMN "jurisdiction_id" integer;--> statement-breakpoint
UPDATE "agencies" SET "jurisdiction_id" = (SELECT "id" FROM "jurisdictions" WHERE "code" = '430302');--> statement-breakpoint
ALTER TABLE "agencies" ALTER COLUMN "jurisdiction_id" SET NOT NULL;--> statement-breakpoint
-- The one-district version's whole-district reports are that jurisdiction's.
UPDATE "annual_reports" SET "scope" = '430302' WHERE "scope" = 'district';--> statement-breakpoint
ALTER TABLE "agencies" ADD COLUMN "parent_agency_id" integer;--> statement-breakpoint
ALTER TABLE "staff" ADD COLUMN "jurisdiction_id" integer;--> statement-breakpoint
ALTER TABLE "jurisdictions" ADD CONSTRAINT "jurisdictions_parent_id_jurisdictions_id_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."jurisdictions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agencies" ADD CONSTRAINT "agencies_jurisdiction_id_jurisdictions_id_fk" FOREIGN KEY ("jurisdiction_id") REFERENCES "public"."jurisdictions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agencies" ADD CONSTRAINT "agencies_parent_agency_id_agencies_id_fk" FOREIGN KEY ("parent_agency_id") REFERENCES "public"."agencies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff" ADD CONSTRAINT "staff_jurisdiction_id_jurisdictions_id_fk" FOREIGN KEY ("jurisdiction_id") REFERENCES "public"."jurisdictions"("id") ON DELETE no action ON UPDATE no action;