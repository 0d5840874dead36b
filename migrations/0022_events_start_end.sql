DROP INDEX `events_org_start_idx`;--> statement-breakpoint
CREATE INDEX `events_org_start_idx` ON `events` (`org_id`,`recurring`,`span_start`,`id`,`ends_at`);