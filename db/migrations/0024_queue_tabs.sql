-- The queue's tabs (src/desk/queue.repository.ts): an extension asked (art. 33) and reasons asked
-- (art. 35) as columns the counts read without opening the snapshot; open cases by agency and in due
-- order, with the columns the tabs filter on (index-only counts); closed cases in due order. The
-- reading room's order, newest first.
ALTER TABLE "cases" ADD COLUMN "extension_asked" boolean GENERATED ALWAYS AS (coalesce(jsonb_typeof(snapshot #> '{context,extensionRequest}') = 'object', false)) STORED NOT NULL;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "reasons_asked" boolean GENERATED ALWAYS AS (coalesce(jsonb_typeof(snapshot #> '{context,reasonsRequest}') = 'object' and snapshot #>> '{context,reasonsRequest,repliedOn}' is null, false)) STORED NOT NULL;--> statement-breakpoint
CREATE INDEX "cases_open_idx" ON "cases" USING btree ("agency_id","due_on","id") INCLUDE ("state", "assignee_id", "pending_draft", "extension_asked", "reasons_asked") WHERE state in ('received', 'assigned', 'awaiting_correction', 'consulting', 'awaiting_payment', 'overdue');--> statement-breakpoint
CREATE INDEX "cases_open_due_idx" ON "cases" USING btree ("due_on","id") INCLUDE ("agency_id", "state", "assignee_id", "pending_draft", "extension_asked", "reasons_asked") WHERE state in ('received', 'assigned', 'awaiting_correction', 'consulting', 'awaiting_payment', 'overdue');--> statement-breakpoint
CREATE INDEX "cases_closed_due_idx" ON "cases" USING btree ("due_on","id") WHERE state in ('answered', 'closed');--> statement-breakpoint
CREATE INDEX "published_answers_listed_idx" ON "published_answers" USING btree ("published_on","id") WHERE withdrawn_at is null;