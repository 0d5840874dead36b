CREATE TABLE `event_session_attendance` (
	`event_id` text NOT NULL,
	`session_start` text NOT NULL,
	`member_id` text NOT NULL,
	`org_id` text NOT NULL,
	`attended` integer NOT NULL,
	`recorded_at` text NOT NULL,
	PRIMARY KEY(`event_id`, `session_start`, `member_id`),
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `event_session_attendance_member_idx` ON `event_session_attendance` (`member_id`);--> statement-breakpoint
ALTER TABLE `events` ADD `all_day` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `events` ADD `sessions` text;--> statement-breakpoint
CREATE INDEX `events_long_idx` ON `events` (`org_id`,`span_end`) WHERE julianday(ends_at) - julianday(starts_at) > 31;--> statement-breakpoint
ALTER TABLE `groups` ADD `town` text;--> statement-breakpoint
ALTER TABLE `groups` ADD `area_id` text;--> statement-breakpoint
ALTER TABLE `groups` ADD `meeting_place` text;--> statement-breakpoint
CREATE INDEX `groups_parent_idx` ON `groups` (`parent_id`,`name`,`id`);