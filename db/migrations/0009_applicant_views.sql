CREATE TABLE "applicant_views" (
	"case_id" bigint PRIMARY KEY NOT NULL,
	"case_xmin" bigint NOT NULL,
	"agency_xmin" bigint NOT NULL,
	"format" text NOT NULL,
	"body" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "applicant_views" ADD CONSTRAINT "applicant_views_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- A stored applicant view is served while the case row keeps the xmin it was built at (see
-- applicant_views in src/db/schema.ts). The timeline, letters, files and timers it shows change
-- with the case row in one transaction throughout the code; these triggers make it so whatever
-- writes them: a row written, changed or deleted rewrites its case row, as it is, unless this
-- transaction has written that row already (a workflow event), or files new cases and changes
-- nothing else (ogi.filing_new_cases, set by the intake: no view of an uncommitted case exists).
CREATE FUNCTION "touch_case_of_row"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE cases SET updated_at = updated_at
  WHERE id = CASE WHEN TG_OP = 'DELETE' THEN OLD.case_id ELSE NEW.case_id END AND xmin <> pg_current_xact_id()::xid;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "case_events_touch_case" AFTER INSERT OR UPDATE OR DELETE ON "case_events" FOR EACH ROW
  WHEN (current_setting('ogi.filing_new_cases', true) IS DISTINCT FROM 'on') EXECUTE FUNCTION "touch_case_of_row"();
--> statement-breakpoint
CREATE TRIGGER "letters_touch_case" AFTER INSERT OR UPDATE OR DELETE ON "letters" FOR EACH ROW
  WHEN (current_setting('ogi.filing_new_cases', true) IS DISTINCT FROM 'on') EXECUTE FUNCTION "touch_case_of_row"();
--> statement-breakpoint
CREATE TRIGGER "attachments_touch_case" AFTER INSERT OR UPDATE OR DELETE ON "attachments" FOR EACH ROW
  WHEN (current_setting('ogi.filing_new_cases', true) IS DISTINCT FROM 'on') EXECUTE FUNCTION "touch_case_of_row"();
--> statement-breakpoint
CREATE TRIGGER "timers_touch_case" AFTER INSERT OR DELETE ON "timers" FOR EACH ROW
  WHEN (current_setting('ogi.filing_new_cases', true) IS DISTINCT FROM 'on') EXECUTE FUNCTION "touch_case_of_row"();
--> statement-breakpoint
-- A timer's change the view can show (a pending period's kind, day or status), not a failed attempt
-- recorded outside the case's transaction.
CREATE TRIGGER "timers_update_touch_case" AFTER UPDATE ON "timers" FOR EACH ROW
  WHEN ((OLD.case_id, OLD.kind, OLD.due_on, OLD.status) IS DISTINCT FROM (NEW.case_id, NEW.kind, NEW.due_on, NEW.status))
  EXECUTE FUNCTION "touch_case_of_row"();
