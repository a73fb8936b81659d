-- 索引号 (政府信息公开目录) of items published from now on (src/published/published.service.ts); earlier items have none.
ALTER TABLE "published_answers" ADD COLUMN "index_number" text;--> statement-breakpoint
ALTER TABLE "published_answers" ADD CONSTRAINT "published_answers_index_number_unique" UNIQUE("index_number");