CREATE TABLE "attachment_chunks" (
	"attachment_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"data" "bytea" NOT NULL,
	CONSTRAINT "attachment_chunks_attachment_id_seq_pk" PRIMARY KEY("attachment_id","seq")
);
--> statement-breakpoint
ALTER TABLE "attachment_chunks" ADD CONSTRAINT "attachment_chunks_attachment_id_attachments_id_fk" FOREIGN KEY ("attachment_id") REFERENCES "public"."attachments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- Attachments are PDFs, images and zip archives, compressed already: stored as they are.
ALTER TABLE "attachment_chunks" ALTER COLUMN "data" SET STORAGE EXTERNAL;--> statement-breakpoint
-- The files stored whole until now, in chunks of 256 KiB as every new one (CHUNK_BYTES).
INSERT INTO "attachment_chunks" ("attachment_id", "seq", "data")
  SELECT a."id", s.seq, substring(a."content" from s.seq * 262144 + 1 for 262144)
  FROM "attachments" a, generate_series(0, greatest((octet_length(a."content") - 1) / 262144, 0)) AS s(seq);--> statement-breakpoint
ALTER TABLE "attachments" DROP COLUMN "content";--> statement-breakpoint
-- File names lose the control, bidi and zero-width characters a name could mislead with (D12).
UPDATE "attachments" SET "filename" = regexp_replace("filename", '[\u0001-\u001f\u007f\u00ad\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]', '', 'g')
  WHERE "filename" ~ '[\u0001-\u001f\u007f\u00ad\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]';
