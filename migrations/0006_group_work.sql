CREATE TABLE `action_reports` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`action_id` text NOT NULL,
	`group_id` text NOT NULL,
	`member_id` text,
	`kind` text NOT NULL,
	`quantity` integer NOT NULL,
	`reach` integer DEFAULT 0 NOT NULL,
	`done_on` text NOT NULL,
	`note` text,
	`created_at` text NOT NULL,
	FOREIGN KEY (`action_id`) REFERENCES `campaign_actions`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`group_id`) REFERENCES `groups`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `action_reports_action_idx` ON `action_reports` (`action_id`,`group_id`);--> statement-breakpoint
CREATE INDEX `action_reports_group_idx` ON `action_reports` (`group_id`,`done_on`,`id`);--> statement-breakpoint
CREATE INDEX `action_reports_org_day_idx` ON `action_reports` (`org_id`,`done_on`);--> statement-breakpoint
CREATE TABLE `campaign_actions` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`campaign_id` text NOT NULL,
	`kind` text NOT NULL,
	`title` text NOT NULL,
	`target` text NOT NULL,
	`description` text,
	`starts_on` text NOT NULL,
	`ends_on` text NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`campaign_id`) REFERENCES `campaigns`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `campaign_actions_campaign_idx` ON `campaign_actions` (`campaign_id`,`starts_on`,`id`);--> statement-breakpoint
CREATE TABLE `grant_applications` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`group_id` text NOT NULL,
	`amount_minor` integer NOT NULL,
	`currency` text NOT NULL,
	`purpose` text NOT NULL,
	`status` text NOT NULL,
	`applied_on` text NOT NULL,
	`decided_on` text,
	`paid_on` text,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`group_id`) REFERENCES `groups`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `grant_applications_group_idx` ON `grant_applications` (`group_id`,`applied_on`,`id`);--> statement-breakpoint
CREATE INDEX `grant_applications_org_idx` ON `grant_applications` (`org_id`,`status`);--> statement-breakpoint
CREATE TABLE `group_money_entries` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`group_id` text NOT NULL,
	`kind` text NOT NULL,
	`on_day` text NOT NULL,
	`amount_minor` integer NOT NULL,
	`currency` text NOT NULL,
	`source` text,
	`campaign_id` text,
	`description` text,
	`created_at` text NOT NULL,
	FOREIGN KEY (`group_id`) REFERENCES `groups`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`campaign_id`) REFERENCES `campaigns`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `group_money_entries_group_idx` ON `group_money_entries` (`group_id`,`kind`,`on_day`,`id`);--> statement-breakpoint
CREATE INDEX `group_money_entries_org_idx` ON `group_money_entries` (`org_id`,`on_day`);--> statement-breakpoint
CREATE TABLE `recruitments` (
	`member_id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`group_id` text NOT NULL,
	`event_id` text,
	`campaign_id` text,
	`source` text NOT NULL,
	`reference` text,
	`recruited_on` text NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`group_id`) REFERENCES `groups`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`campaign_id`) REFERENCES `campaigns`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `recruitments_group_idx` ON `recruitments` (`group_id`,`recruited_on`);