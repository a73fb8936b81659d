-- Cases stored before service was recorded (0018) have none: a case waiting for a correction, a fee
-- or an opinion waits for its letter's service (docs/decisions/0008-periods-from-service.md). List
-- them under 送达待登记 at once, as the workflow derives it (workflow/deadlines.ts awaitingService):
-- the open period whose letter has no service day in the case's snapshot.
UPDATE "cases" SET "awaiting_service" = CASE "state"
    WHEN 'awaiting_correction' THEN 'correction'
    WHEN 'consulting' THEN 'consultation'
    WHEN 'awaiting_payment' THEN 'payment'
  END
WHERE "awaiting_service" IS NULL AND (
  ("state" = 'awaiting_correction' AND "snapshot" #>> '{context,correction,servedOn}' IS NULL)
  OR ("state" = 'awaiting_payment' AND "snapshot" #>> '{context,fee,servedOn}' IS NULL)
  OR ("state" = 'consulting' AND jsonb_path_exists("snapshot", '$.context.consultations[*] ? (@.repliedOn == null && (!exists(@.servedOn) || @.servedOn == null))'))
);
