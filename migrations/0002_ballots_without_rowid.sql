-- Ballots must not keep the order in which they were cast. A rowid table stores rows in
-- insertion order; a WITHOUT ROWID table stores them in primary-key order, and the key
-- (election_id, id) has a random UUIDv4 for id. drizzle-kit cannot declare WITHOUT ROWID,
-- so the table drizzle created is rebuilt here with the same columns. Written by hand:
-- keep this file after the one that creates `ballots`
-- (test/elections/secrecy.test.ts fails without it).
CREATE TABLE `ballots_without_rowid` (
	`election_id` text NOT NULL,
	`id` text NOT NULL,
	`ranking` text NOT NULL,
	`weight` integer DEFAULT 1 NOT NULL,
	`receipt_hash` text,
	`source` text NOT NULL,
	`batch_id` text,
	PRIMARY KEY(`election_id`, `id`),
	FOREIGN KEY (`election_id`) REFERENCES `elections`(`id`) ON UPDATE no action ON DELETE cascade
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `ballots_without_rowid` SELECT `election_id`, `id`, `ranking`, `weight`, `receipt_hash`, `source`, `batch_id` FROM `ballots`;
--> statement-breakpoint
DROP TABLE `ballots`;
--> statement-breakpoint
ALTER TABLE `ballots_without_rowid` RENAME TO `ballots`;
--> statement-breakpoint
CREATE INDEX `ballots_receipt_idx` ON `ballots` (`election_id`,`receipt_hash`);
