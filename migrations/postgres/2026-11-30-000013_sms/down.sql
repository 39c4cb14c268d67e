DROP INDEX applications_case;
ALTER TABLE users DROP COLUMN phone;
DELETE FROM outbox WHERE channel = 'sms';
ALTER TABLE outbox DROP COLUMN channel;
