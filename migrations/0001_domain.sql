CREATE TABLE `ballots` (
	`election_id` text NOT NULL,
	`id` text NOT NULL,
	`ranking` text NOT NULL,
	`weight` integer DEFAULT 1 NOT NULL,
	`receipt_hash` text,
	`source` text NOT NULL,
	`batch_id` text,
	PRIMARY KEY(`election_id`, `id`),
	FOREIGN KEY (`election_id`) REFERENCES `elections`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `ballots_receipt_idx` ON `ballots` (`election_id`,`receipt_hash`);--> statement-breakpoint
CREATE TABLE `election_candidates` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`election_id` text NOT NULL,
	`member_id` text NOT NULL,
	`status` text NOT NULL,
	`nominated_by` text NOT NULL,
	`nominated_by_id` text,
	`statement` text,
	`gender` text,
	`responded_at` text,
	`withdrawn_at` text,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`election_id`) REFERENCES `elections`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`nominated_by_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `election_candidates_member_unique` ON `election_candidates` (`election_id`,`member_id`);--> statement-breakpoint
CREATE INDEX `election_candidates_election_idx` ON `election_candidates` (`election_id`,`id`);--> statement-breakpoint
CREATE TABLE `election_proposals` (
	`election_id` text NOT NULL,
	`place` integer NOT NULL,
	`member_id` text NOT NULL,
	`reason` text,
	PRIMARY KEY(`election_id`, `place`),
	FOREIGN KEY (`election_id`) REFERENCES `elections`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `election_voters` (
	`election_id` text NOT NULL,
	`member_id` text NOT NULL,
	`has_voted` integer DEFAULT false NOT NULL,
	PRIMARY KEY(`election_id`, `member_id`),
	FOREIGN KEY (`election_id`) REFERENCES `elections`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `elections` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`position_id` text NOT NULL,
	`title` text NOT NULL,
	`description` text,
	`seats` integer NOT NULL,
	`method` text NOT NULL,
	`options` text DEFAULT '{}' NOT NULL,
	`gender_rule` text,
	`event_id` text,
	`committee_group_id` text,
	`electorate_group_id` text,
	`electorate_cutoff_on` text NOT NULL,
	`nomination_opens_at` text NOT NULL,
	`nomination_closes_at` text NOT NULL,
	`voting_opens_at` text NOT NULL,
	`voting_closes_at` text NOT NULL,
	`online_voting` integer DEFAULT true NOT NULL,
	`status` text NOT NULL,
	`seed` text NOT NULL,
	`result` text,
	`count_error` text,
	`counted_at` text,
	`published_at` text,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`position_id`) REFERENCES `positions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`committee_group_id`) REFERENCES `groups`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`electorate_group_id`) REFERENCES `groups`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `elections_org_idx` ON `elections` (`org_id`,`id`);--> statement-breakpoint
CREATE INDEX `elections_position_idx` ON `elections` (`position_id`,`id`);--> statement-breakpoint
CREATE INDEX `elections_status_opens_idx` ON `elections` (`status`,`voting_opens_at`);--> statement-breakpoint
CREATE INDEX `elections_status_closes_idx` ON `elections` (`status`,`voting_closes_at`);--> statement-breakpoint
CREATE TABLE `mandates` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`position_id` text NOT NULL,
	`member_id` text NOT NULL,
	`election_id` text,
	`place` integer,
	`starts_on` text NOT NULL,
	`ends_on` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`position_id`) REFERENCES `positions`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`election_id`) REFERENCES `elections`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `mandates_election_member_unique` ON `mandates` (`election_id`,`member_id`);--> statement-breakpoint
CREATE INDEX `mandates_position_idx` ON `mandates` (`position_id`,`ends_on`);--> statement-breakpoint
CREATE INDEX `mandates_member_idx` ON `mandates` (`member_id`,`ends_on`);--> statement-breakpoint
CREATE INDEX `mandates_org_idx` ON `mandates` (`org_id`,`ends_on`);--> statement-breakpoint
CREATE TABLE `positions` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`title` text NOT NULL,
	`description` text,
	`body_group_id` text,
	`seats` integer NOT NULL,
	`term_months` integer NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`body_group_id`) REFERENCES `groups`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `positions_org_idx` ON `positions` (`org_id`,`id`);--> statement-breakpoint
CREATE TABLE `calendar_feed_tokens` (
	`member_id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`token_hash` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `calendar_feed_tokens_hash_unique` ON `calendar_feed_tokens` (`token_hash`);--> statement-breakpoint
CREATE TABLE `campaigns` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`name` text NOT NULL,
	`description` text,
	`focus` text,
	`starts_on` text NOT NULL,
	`ends_on` text NOT NULL,
	`materials` text DEFAULT '[]' NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `campaigns_org_period_idx` ON `campaigns` (`org_id`,`starts_on`,`id`);--> statement-breakpoint
CREATE TABLE `event_occurrence_overrides` (
	`event_id` text NOT NULL,
	`original_start` text NOT NULL,
	`org_id` text NOT NULL,
	`starts_at` text NOT NULL,
	`ends_at` text NOT NULL,
	`status` text NOT NULL,
	`updated_at` text NOT NULL,
	PRIMARY KEY(`event_id`, `original_start`),
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `event_overrides_moved_idx` ON `event_occurrence_overrides` (`event_id`,`starts_at`);--> statement-breakpoint
CREATE TABLE `event_registrations` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`event_id` text NOT NULL,
	`occurrence_start` text DEFAULT '' NOT NULL,
	`member_id` text NOT NULL,
	`status` text NOT NULL,
	`waitlisted_at` text,
	`waitlist_seq` integer,
	`note` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `event_registrations_once` ON `event_registrations` (`event_id`,`occurrence_start`,`member_id`) WHERE status != 'cancelled';--> statement-breakpoint
CREATE INDEX `event_registrations_event_idx` ON `event_registrations` (`event_id`,`occurrence_start`,`status`,`waitlist_seq`);--> statement-breakpoint
CREATE INDEX `event_registrations_member_idx` ON `event_registrations` (`member_id`,`status`);--> statement-breakpoint
CREATE TABLE `events` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`title` text NOT NULL,
	`description` text,
	`kind` text NOT NULL,
	`group_id` text,
	`campaign_id` text,
	`starts_at` text NOT NULL,
	`ends_at` text NOT NULL,
	`time_zone` text NOT NULL,
	`location_address` text,
	`online_url` text,
	`visibility` text NOT NULL,
	`status` text NOT NULL,
	`rrule` text,
	`exdates` text DEFAULT '[]' NOT NULL,
	`recurring` integer NOT NULL,
	`span_start` text NOT NULL,
	`span_end` text NOT NULL,
	`registration_mode` text NOT NULL,
	`registration_scope` text NOT NULL,
	`capacity` integer,
	`requires_active_membership` integer NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`group_id`) REFERENCES `groups`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`campaign_id`) REFERENCES `campaigns`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `events_org_start_idx` ON `events` (`org_id`,`recurring`,`span_start`,`id`);--> statement-breakpoint
CREATE INDEX `events_org_end_idx` ON `events` (`org_id`,`recurring`,`span_end`);--> statement-breakpoint
CREATE INDEX `events_group_idx` ON `events` (`group_id`,`recurring`,`span_start`);--> statement-breakpoint
CREATE INDEX `events_campaign_idx` ON `events` (`campaign_id`,`span_start`);--> statement-breakpoint
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
CREATE TABLE `mail_outbox` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text,
	`to` text NOT NULL,
	`from` text NOT NULL,
	`subject` text NOT NULL,
	`message_id` text NOT NULL,
	`headers` text NOT NULL,
	`text` text NOT NULL,
	`html` text,
	`raw` text NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `mail_outbox_org_idx` ON `mail_outbox` (`org_id`,`id`);--> statement-breakpoint
CREATE TABLE `mail_suppressions` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`email_key` text NOT NULL,
	`reason` text NOT NULL,
	`detail` text,
	`created_at` text NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `mail_suppressions_org_email_unique` ON `mail_suppressions` (`org_id`,`email_key`);--> statement-breakpoint
CREATE INDEX `mail_suppressions_org_idx` ON `mail_suppressions` (`org_id`,`id`);--> statement-breakpoint
CREATE TABLE `mail_unsubscribes` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`member_id` text NOT NULL,
	`category` text NOT NULL,
	`delivery_id` integer,
	`via` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `mail_unsubscribes_member_idx` ON `mail_unsubscribes` (`member_id`);--> statement-breakpoint
CREATE TABLE `mailing_automations` (
	`org_id` text NOT NULL,
	`kind` text NOT NULL,
	`enabled` integer DEFAULT false NOT NULL,
	`schedule` text NOT NULL,
	`lead_days` integer NOT NULL,
	`grace_days` integer,
	`subject` text NOT NULL,
	`text` text NOT NULL,
	`html` text,
	`instructions` text,
	`next_run_at` text,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	PRIMARY KEY(`org_id`, `kind`),
	FOREIGN KEY (`org_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `mailing_automations_due_idx` ON `mailing_automations` (`enabled`,`next_run_at`);--> statement-breakpoint
CREATE TABLE `mailing_deliveries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`mailing_id` text NOT NULL,
	`org_id` text NOT NULL,
	`member_id` text NOT NULL,
	`group_id` text,
	`status` text NOT NULL,
	`reason` text,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` text,
	`lease_until` text,
	`claimed_by` text,
	`email` text,
	`message_id` text,
	`sent_at` text,
	FOREIGN KEY (`mailing_id`) REFERENCES `mailings`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `mailing_deliveries_unique` ON `mailing_deliveries` (`mailing_id`,`member_id`);--> statement-breakpoint
CREATE INDEX `mailing_deliveries_work_idx` ON `mailing_deliveries` (`mailing_id`,`status`,`id`);--> statement-breakpoint
CREATE TABLE `mailing_triggers` (
	`org_id` text NOT NULL,
	`key` text NOT NULL,
	`mailing_id` text NOT NULL,
	`member_id` text,
	`created_at` text NOT NULL,
	PRIMARY KEY(`org_id`, `key`),
	FOREIGN KEY (`mailing_id`) REFERENCES `mailings`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `mailing_triggers_mailing_idx` ON `mailing_triggers` (`mailing_id`);--> statement-breakpoint
CREATE TABLE `mailings` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`kind` text NOT NULL,
	`source_key` text,
	`series_id` text,
	`subject` text NOT NULL,
	`text` text NOT NULL,
	`html` text,
	`category` text NOT NULL,
	`audience_type` text NOT NULL,
	`audience_ref` text,
	`variables` text DEFAULT '{}' NOT NULL,
	`send_at` text,
	`recurrence` text,
	`next_occurrence_at` text,
	`status` text NOT NULL,
	`materialised_at` text,
	`completed_at` text,
	`created_by` text,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `mailings_org_source_unique` ON `mailings` (`org_id`,`source_key`);--> statement-breakpoint
CREATE INDEX `mailings_org_idx` ON `mailings` (`org_id`,`id`);--> statement-breakpoint
CREATE INDEX `mailings_status_send_idx` ON `mailings` (`status`,`send_at`);--> statement-breakpoint
CREATE INDEX `mailings_series_due_idx` ON `mailings` (`next_occurrence_at`);--> statement-breakpoint
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
CREATE INDEX `members_org_number_value_idx` ON `members` (`org_id`,CAST("member_number" AS INTEGER)) WHERE member_number GLOB '[0-9]*' AND member_number NOT GLOB '*[^0-9]*';--> statement-breakpoint
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