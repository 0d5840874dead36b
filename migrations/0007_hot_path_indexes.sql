DROP INDEX `group_memberships_member_idx`;--> statement-breakpoint
CREATE INDEX `group_memberships_history_idx` ON `group_memberships` (`group_id`,`joined_on`,`id`);--> statement-breakpoint
CREATE INDEX `group_memberships_member_idx` ON `group_memberships` (`member_id`,`left_on`,`group_id`);--> statement-breakpoint
DROP INDEX `members_org_district_idx`;--> statement-breakpoint
CREATE INDEX `members_org_district_idx` ON `members` (`org_id`,`district_group_id`,`id`);--> statement-breakpoint
CREATE INDEX `district_assignments_group_idx` ON `district_assignments` (`district_group_id`,`from_at`,`id`);