CREATE TABLE `mailing_unreached_groups` (
	`org_id` text NOT NULL,
	`kind` text NOT NULL,
	`run_at` text NOT NULL,
	`group_id` text NOT NULL,
	`reason` text NOT NULL,
	`created_at` text NOT NULL,
	PRIMARY KEY(`org_id`, `kind`, `run_at`, `group_id`),
	FOREIGN KEY (`org_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
ALTER TABLE `mailing_automations` ADD `recipients` text DEFAULT 'conveners' NOT NULL;