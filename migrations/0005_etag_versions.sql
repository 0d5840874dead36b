ALTER TABLE `elections` ADD `proposal_version` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `mandates` ADD `version` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `calendar_feed_tokens` ADD `revoked_at` text;--> statement-breakpoint
ALTER TABLE `calendar_feed_tokens` ADD `version` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `event_registrations` ADD `version` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `group_memberships` ADD `version` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `memberships` ADD `version` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `api_keys` ADD `version` integer DEFAULT 1 NOT NULL;