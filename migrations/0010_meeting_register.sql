CREATE TABLE `meeting_attendance` (
	`event_id` text NOT NULL,
	`occurrence_start` text NOT NULL,
	`member_id` text NOT NULL,
	`checked_in_at` text NOT NULL,
	`checked_out_at` text,
	PRIMARY KEY(`event_id`, `occurrence_start`, `member_id`),
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `meetings` (
	`event_id` text NOT NULL,
	`occurrence_start` text NOT NULL,
	`org_id` text NOT NULL,
	`check_in_code` text,
	`register_fixed_at` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	PRIMARY KEY(`event_id`, `occurrence_start`),
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `voting_register` (
	`event_id` text NOT NULL,
	`occurrence_start` text NOT NULL,
	`member_id` text NOT NULL,
	`added_at` text NOT NULL,
	`removed_at` text,
	PRIMARY KEY(`event_id`, `occurrence_start`, `member_id`),
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `voting_register_changes` (
	`id` text PRIMARY KEY NOT NULL,
	`event_id` text NOT NULL,
	`occurrence_start` text NOT NULL,
	`member_id` text,
	`change` text NOT NULL,
	`note` text,
	`size_after` integer NOT NULL,
	`changed_at` text NOT NULL,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `voting_register_changes_meeting_idx` ON `voting_register_changes` (`event_id`,`occurrence_start`,`id`);--> statement-breakpoint
ALTER TABLE `election_voters` ADD `voted_on_paper` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `elections` ADD `electorate_source` text DEFAULT 'memberships' NOT NULL;--> statement-breakpoint
ALTER TABLE `elections` ADD `meeting_occurrence_start` text;--> statement-breakpoint
ALTER TABLE `elections` ADD `reserves` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `mandates` ADD `reserve_rank` integer;--> statement-breakpoint
ALTER TABLE `events` ADD `eligibility` text;