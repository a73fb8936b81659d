ALTER TABLE "agencies" ADD COLUMN "secrecy_review" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "agencies" ADD COLUMN "second_signer" boolean DEFAULT false NOT NULL;