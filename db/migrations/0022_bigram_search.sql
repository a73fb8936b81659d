-- Character bigrams for search by any two or more characters inside words (docs/architecture.md,
-- "Search"): the desk's queue (case_search, kept by a trigger) and the reading room (a generated
-- column). Runs of characters are split at white space and punctuation, ASCII or Chinese; each run
-- gives its overlapping pairs of characters, lower-cased. A query's words must all be found.
CREATE FUNCTION "ogi_bigrams"(input text) RETURNS text[] LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(DISTINCT substr(w, i, 2)), '{}')
  FROM regexp_split_to_table(lower(input), '[][[:space:]!"#$%&''()*+,./:;<=>?@\\^_`{|}~，。、；：？！“”‘’（）《》〈〉【】「」『』〔〕—…·　-]+') AS w,
       generate_series(1, char_length(w) - 1) AS i
$$;
--> statement-breakpoint
CREATE TABLE "case_search" (
	"case_id" bigint PRIMARY KEY NOT NULL,
	"bigrams" text[] NOT NULL
);
--> statement-breakpoint
DROP INDEX "published_answers_text_trgm_idx";--> statement-breakpoint
ALTER TABLE "published_answers" ADD COLUMN "bigrams" text[] GENERATED ALWAYS AS (ogi_bigrams(title || ' ' || question || ' ' || answer)) STORED NOT NULL;--> statement-breakpoint
ALTER TABLE "case_search" ADD CONSTRAINT "case_search_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "case_search_bigrams_idx" ON "case_search" USING gin ("bigrams");--> statement-breakpoint
CREATE INDEX "published_answers_bigrams_idx" ON "published_answers" USING gin ("bigrams");
--> statement-breakpoint
CREATE FUNCTION "case_search_sync"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO case_search (case_id, bigrams)
  VALUES (NEW.id, ogi_bigrams(NEW.tracking_number || ' ' || NEW.applicant_name || ' ' || NEW.description))
  ON CONFLICT (case_id) DO UPDATE SET bigrams = excluded.bigrams;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "cases_search_sync" AFTER INSERT OR UPDATE OF tracking_number, applicant_name, description ON "cases"
  FOR EACH ROW EXECUTE FUNCTION "case_search_sync"();
--> statement-breakpoint
INSERT INTO case_search (case_id, bigrams)
SELECT id, ogi_bigrams(tracking_number || ' ' || applicant_name || ' ' || description) FROM cases;
