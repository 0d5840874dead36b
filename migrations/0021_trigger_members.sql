DROP INDEX `mailing_triggers_mailing_idx`;--> statement-breakpoint
CREATE INDEX `mailing_triggers_mailing_member_idx` ON `mailing_triggers` (`mailing_id`,`member_id`);