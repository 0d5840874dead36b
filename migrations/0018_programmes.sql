CREATE TABLE `campaign_partners` (
	`campaign_id` text NOT NULL,
	`partner_id` text NOT NULL,
	PRIMARY KEY(`campaign_id`, `partner_id`),
	FOREIGN KEY (`campaign_id`) REFERENCES `campaigns`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`partner_id`) REFERENCES `partners`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `campaign_partners_partner_idx` ON `campaign_partners` (`partner_id`);--> statement-breakpoint
CREATE TABLE `campaign_programme_areas` (
	`campaign_id` text NOT NULL,
	`programme_area_id` text NOT NULL,
	PRIMARY KEY(`campaign_id`, `programme_area_id`),
	FOREIGN KEY (`campaign_id`) REFERENCES `campaigns`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`programme_area_id`) REFERENCES `programme_areas`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `campaign_programme_areas_area_idx` ON `campaign_programme_areas` (`programme_area_id`);--> statement-breakpoint
CREATE TABLE `event_partners` (
	`event_id` text NOT NULL,
	`partner_id` text NOT NULL,
	PRIMARY KEY(`event_id`, `partner_id`),
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`partner_id`) REFERENCES `partners`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `event_partners_partner_idx` ON `event_partners` (`partner_id`);--> statement-breakpoint
CREATE TABLE `event_programme_areas` (
	`event_id` text NOT NULL,
	`programme_area_id` text NOT NULL,
	PRIMARY KEY(`event_id`, `programme_area_id`),
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`programme_area_id`) REFERENCES `programme_areas`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `event_programme_areas_area_idx` ON `event_programme_areas` (`programme_area_id`);--> statement-breakpoint
CREATE TABLE `group_programme_areas` (
	`group_id` text NOT NULL,
	`programme_area_id` text NOT NULL,
	PRIMARY KEY(`group_id`, `programme_area_id`),
	FOREIGN KEY (`group_id`) REFERENCES `groups`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`programme_area_id`) REFERENCES `programme_areas`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `group_programme_areas_area_idx` ON `group_programme_areas` (`programme_area_id`);--> statement-breakpoint
CREATE TABLE `participation_settings` (
	`org_id` text PRIMARY KEY NOT NULL,
	`age_limits` text NOT NULL,
	`minimum_count` integer NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `partner_programme_areas` (
	`partner_id` text NOT NULL,
	`programme_area_id` text NOT NULL,
	PRIMARY KEY(`partner_id`, `programme_area_id`),
	FOREIGN KEY (`partner_id`) REFERENCES `partners`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`programme_area_id`) REFERENCES `programme_areas`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `partner_programme_areas_area_idx` ON `partner_programme_areas` (`programme_area_id`);--> statement-breakpoint
CREATE TABLE `partners` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`name` text NOT NULL,
	`kind` text NOT NULL,
	`country` text,
	`website` text,
	`notes` text,
	`relations` text DEFAULT '[]' NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `partners_org_name_idx` ON `partners` (`org_id`,`name`,`id`);--> statement-breakpoint
CREATE TABLE `programme_areas` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`name` text NOT NULL,
	`description` text,
	`starts_on` text,
	`ends_on` text,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `programme_areas_org_name_idx` ON `programme_areas` (`org_id`,`name`,`id`);--> statement-breakpoint
ALTER TABLE `events` ADD `country` text;--> statement-breakpoint
CREATE INDEX `members_partner_idx` ON `members` (`partner_id`) WHERE partner_id IS NOT NULL;