CREATE TABLE `area_postal_codes` (
	`org_id` text NOT NULL,
	`postal_code` text NOT NULL,
	`area_id` text NOT NULL,
	PRIMARY KEY(`org_id`, `postal_code`),
	FOREIGN KEY (`area_id`) REFERENCES `areas`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `area_postal_codes_area_idx` ON `area_postal_codes` (`area_id`,`postal_code`);--> statement-breakpoint
CREATE TABLE `areas` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`name` text NOT NULL,
	`code` text NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `areas_org_code_unique` ON `areas` (`org_id`,`code`);--> statement-breakpoint
CREATE TABLE `group_areas` (
	`org_id` text NOT NULL,
	`area_id` text NOT NULL,
	`group_id` text NOT NULL,
	PRIMARY KEY(`org_id`, `area_id`),
	FOREIGN KEY (`area_id`) REFERENCES `areas`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`group_id`) REFERENCES `groups`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `group_areas_group_idx` ON `group_areas` (`group_id`);--> statement-breakpoint
CREATE TABLE `group_memberships` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`group_id` text NOT NULL,
	`member_id` text NOT NULL,
	`role` text NOT NULL,
	`joined_on` text NOT NULL,
	`left_on` text,
	FOREIGN KEY (`group_id`) REFERENCES `groups`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `group_memberships_open_unique` ON `group_memberships` (`group_id`,`member_id`) WHERE left_on IS NULL;--> statement-breakpoint
CREATE INDEX `group_memberships_group_idx` ON `group_memberships` (`group_id`,`left_on`);--> statement-breakpoint
CREATE INDEX `group_memberships_member_idx` ON `group_memberships` (`member_id`,`left_on`);--> statement-breakpoint
CREATE TABLE `groups` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`kind` text NOT NULL,
	`name` text NOT NULL,
	`description` text,
	`focus_tags` text DEFAULT '[]' NOT NULL,
	`contact_email` text,
	`parent_id` text,
	`political_contact_id` text,
	`status` text NOT NULL,
	`proposed_by_id` text,
	`proposal_purpose` text,
	`proposal_area_id` text,
	`decline_reason` text,
	`decided_at` text,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`political_contact_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`proposed_by_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `groups_org_kind_idx` ON `groups` (`org_id`,`kind`,`id`);--> statement-breakpoint
CREATE INDEX `groups_org_status_idx` ON `groups` (`org_id`,`status`,`id`);--> statement-breakpoint
CREATE TABLE `deployment_secrets` (
	`name` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `district_assignments` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`member_id` text NOT NULL,
	`area_id` text,
	`district_group_id` text,
	`postal_code` text,
	`from_at` text NOT NULL,
	`to_at` text,
	`reason` text NOT NULL,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `district_assignments_member_idx` ON `district_assignments` (`member_id`,`from_at`);--> statement-breakpoint
CREATE TABLE `members` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`member_number` text NOT NULL,
	`name` text,
	`email` text,
	`email_key` text,
	`name_key` text,
	`phone` text,
	`street` text,
	`postal_code` text,
	`postal_code_key` text,
	`city` text,
	`country` text,
	`preferred_language` text,
	`consent_newsletters` integer DEFAULT true NOT NULL,
	`consent_meeting_summons` integer DEFAULT true NOT NULL,
	`consent_campaign_news` integer DEFAULT true NOT NULL,
	`area_id` text,
	`district_group_id` text,
	`erased_at` text,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `members_org_number_unique` ON `members` (`org_id`,`member_number`);--> statement-breakpoint
CREATE UNIQUE INDEX `members_org_email_unique` ON `members` (`org_id`,`email_key`);--> statement-breakpoint
CREATE INDEX `members_org_name_idx` ON `members` (`org_id`,`name_key`,`id`);--> statement-breakpoint
CREATE INDEX `members_org_area_idx` ON `members` (`org_id`,`area_id`);--> statement-breakpoint
CREATE INDEX `members_org_district_idx` ON `members` (`org_id`,`district_group_id`);--> statement-breakpoint
CREATE INDEX `members_org_postal_idx` ON `members` (`org_id`,`postal_code_key`);--> statement-breakpoint
CREATE TABLE `membership_types` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`name` text NOT NULL,
	`kind` text NOT NULL,
	`fee_minor` integer NOT NULL,
	`currency` text NOT NULL,
	`period_type` text NOT NULL,
	`period_months` integer,
	`grace_days` integer NOT NULL,
	`archived` integer DEFAULT false NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `membership_types_org_name_unique` ON `membership_types` (`org_id`,`name`);--> statement-breakpoint
CREATE TABLE `memberships` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`member_id` text NOT NULL,
	`type_id` text NOT NULL,
	`kind` text NOT NULL,
	`starts_on` text NOT NULL,
	`ends_on` text NOT NULL,
	`grace_until` text NOT NULL,
	`fee_minor` integer NOT NULL,
	`currency` text NOT NULL,
	`paid_at` text,
	`payment_reference` text,
	`created_at` text NOT NULL,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`type_id`) REFERENCES `membership_types`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `memberships_member_idx` ON `memberships` (`member_id`,`starts_on`,`ends_on`);--> statement-breakpoint
CREATE INDEX `memberships_org_type_idx` ON `memberships` (`org_id`,`type_id`);--> statement-breakpoint
CREATE TABLE `sign_in_codes` (
	`code_hash` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`member_id` text NOT NULL,
	`expires_at` text NOT NULL,
	`used_at` text,
	`created_at` text NOT NULL,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `sign_in_codes_member_idx` ON `sign_in_codes` (`member_id`);