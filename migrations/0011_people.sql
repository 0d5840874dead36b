ALTER TABLE `members` ADD `enrolled` integer DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE `members` ADD `gender` text;--> statement-breakpoint
ALTER TABLE `members` ADD `birth_year` integer;--> statement-breakpoint
ALTER TABLE `members` ADD `source` text DEFAULT 'staff' NOT NULL;--> statement-breakpoint
ALTER TABLE `members` ADD `partner_id` text;