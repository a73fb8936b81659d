CREATE TABLE "attempt_windows" (
	"scope" text NOT NULL,
	"key" text NOT NULL,
	"attempts" integer NOT NULL,
	"window_started_at" timestamp with time zone NOT NULL,
	CONSTRAINT "attempt_windows_scope_key_pk" PRIMARY KEY("scope","key")
);--> statement-breakpoint
-- Sign-in attempts per address carry over as the sign_in_address scope.
INSERT INTO "attempt_windows" ("scope", "key", "attempts", "window_started_at") SELECT 'sign_in_address', "email", "attempts", "window_started_at" FROM "sign_in_attempts";--> statement-breakpoint
DROP TABLE "sign_in_attempts" CASCADE;
