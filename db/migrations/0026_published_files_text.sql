-- The reading room searches the published files' text too (art. 24): their text layer is kept with
-- the item, and the bigrams are made of it as well. Dropping the generated column drops its index.
ALTER TABLE "published_answers" ADD COLUMN "files_text" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "published_answers" DROP COLUMN "bigrams";--> statement-breakpoint
ALTER TABLE "published_answers" ADD COLUMN "bigrams" text[] GENERATED ALWAYS AS (ogi_bigrams(title || ' ' || question || ' ' || answer || ' ' || files_text)) STORED NOT NULL;--> statement-breakpoint
CREATE INDEX "published_answers_bigrams_idx" ON "published_answers" USING gin ("bigrams");
