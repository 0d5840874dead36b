CREATE TABLE `recruitment_links` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`code` text NOT NULL,
	`group_id` text NOT NULL,
	`event_id` text,
	`campaign_id` text,
	`signup_url` text,
	`revoked_at` text,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`group_id`) REFERENCES `groups`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`campaign_id`) REFERENCES `campaigns`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `recruitment_links_code_unique` ON `recruitment_links` (`org_id`,`code`);--> statement-breakpoint
CREATE INDEX `recruitment_links_group_idx` ON `recruitment_links` (`group_id`,`id`);--> statement-breakpoint
CREATE TABLE `signups` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`email_key` text NOT NULL,
	`token_hash` text NOT NULL,
	`purpose` text NOT NULL,
	`request` text NOT NULL,
	`ref` text,
	`expires_at` text NOT NULL,
	`confirmed_at` text,
	`person_id` text,
	`created_at` text NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`person_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `signups_token_unique` ON `signups` (`token_hash`);--> statement-breakpoint
CREATE INDEX `signups_expiry_idx` ON `signups` (`expires_at`);