CREATE TABLE `event_series_marks` (
	`org_id` text PRIMARY KEY NOT NULL,
	`mark` integer NOT NULL
);
--> statement-breakpoint
CREATE TRIGGER `events_series_inserted` AFTER INSERT ON `events` WHEN NEW.`recurring` BEGIN
	INSERT INTO `event_series_marks` (`org_id`, `mark`) VALUES (NEW.`org_id`, 1) ON CONFLICT (`org_id`) DO UPDATE SET `mark` = `mark` + 1;
END;--> statement-breakpoint
CREATE TRIGGER `events_series_updated` AFTER UPDATE ON `events` WHEN OLD.`recurring` OR NEW.`recurring` BEGIN
	INSERT INTO `event_series_marks` (`org_id`, `mark`) VALUES (NEW.`org_id`, 1) ON CONFLICT (`org_id`) DO UPDATE SET `mark` = `mark` + 1;
END;--> statement-breakpoint
CREATE TRIGGER `events_series_deleted` AFTER DELETE ON `events` WHEN OLD.`recurring` BEGIN
	INSERT INTO `event_series_marks` (`org_id`, `mark`) VALUES (OLD.`org_id`, 1) ON CONFLICT (`org_id`) DO UPDATE SET `mark` = `mark` + 1;
END;
