ALTER TABLE `mailing_automations` ADD `templates` text DEFAULT '{}' NOT NULL;--> statement-breakpoint
ALTER TABLE `mailings` ADD `variants` text DEFAULT '{}' NOT NULL;--> statement-breakpoint
ALTER TABLE `organisations` ADD `frontend_urls` text DEFAULT '{}' NOT NULL;--> statement-breakpoint
-- Templates an organisation wrote before templates had languages stay theirs, in the organisation's language;
-- the English defaults that were stored with every saved automation are dropped, so the catalogue's own take over.
UPDATE `mailing_automations` SET `templates` = json_object(
  CASE WHEN (SELECT lower(locale) = 'sv' OR lower(locale) LIKE 'sv-%' FROM `organisations` AS o WHERE o.id = `mailing_automations`.org_id) THEN 'sv' ELSE 'en' END,
  json_object('subject', subject, 'text', text, 'html', html))
WHERE NOT ((kind = 'monthly_group' AND subject = '{{org.name}}: {{month}} for {{group.name}}' AND text = 'Hello {{member.firstName}},

{{instructions}}

Coming campaigns:
{{campaigns}}

Open actions:
{{actions}}

Coming events:
{{events}}

{{group.name}} in {{lastMonth}}:
{{figures}}
' AND html IS NULL)
  OR (kind = 'meeting_summons' AND subject = 'Summons: {{event.title}}, {{event.date}}' AND text = 'Hello {{member.firstName}},

You are summoned to the meeting of {{group.name}}:

{{event.title}}
{{event.date}} {{event.time}} ({{event.timeZone}})
{{event.location}}

{{event.url}}

Unsubscribe from summons: {{unsubscribeUrl}}
' AND html IS NULL)
  OR (kind = 'member_meeting_notice' AND subject = 'Notice of the member meeting, {{event.date}}' AND text = 'Hello {{member.firstName}},

Notice is given of the member meeting of {{org.name}}:

{{event.title}}
{{event.date}} {{event.time}} ({{event.timeZone}})
{{event.location}}

{{event.url}}
' AND html IS NULL)
  OR (kind = 'event_reminder' AND subject = 'Reminder: {{event.title}}, {{event.date}}' AND text = 'Hello {{member.firstName}},

A reminder of what you registered for:

{{event.title}}
{{event.date}} {{event.time}} ({{event.timeZone}})
{{event.location}}

{{event.url}}
' AND html IS NULL)
  OR (kind = 'training_announcement' AND subject = 'Training: {{event.title}}' AND text = 'Hello {{member.firstName}},

A training you can apply for:

{{event.title}}
{{event.date}} {{event.time}} ({{event.timeZone}})
{{event.location}}

{{event.url}}

Unsubscribe from newsletters: {{unsubscribeUrl}}
' AND html IS NULL)
  OR (kind = 'election_call' AND subject = '{{election.title}}: {{election.phase}}' AND text = 'Hello {{member.firstName}},

{{election.title}}: {{election.phase}} from {{election.opensAt}} to {{election.closesAt}}.

{{election.url}}
' AND html IS NULL)
  OR (kind = 'renewal_reminder' AND subject = 'Your membership of {{org.name}}' AND text = 'Hello {{member.firstName}},

Your membership ends (or ended) on {{membership.endsOn}}. Renew it by {{membership.graceUntil}} to keep your rights as a member.
' AND html IS NULL));
