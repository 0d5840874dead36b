ALTER TABLE `organisations` ADD `consent_default_newsletters` integer DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE `organisations` ADD `consent_default_meeting_summons` integer DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE `organisations` ADD `consent_default_campaign_news` integer DEFAULT true NOT NULL;