ALTER TABLE `organisations` ADD `consent_default_newsletters` integer DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE `organisations` ADD `consent_default_meeting_summons` integer DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE `organisations` ADD `consent_default_campaign_news` integer DEFAULT true NOT NULL;--> statement-breakpoint
CREATE INDEX `members_org_enrolled_name_idx` ON `members` (`org_id`,`enrolled`,`name_key`,`id`);