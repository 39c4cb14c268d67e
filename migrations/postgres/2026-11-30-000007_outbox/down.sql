ALTER TABLE users DROP COLUMN mail_reminders;
DROP TABLE outbox;
