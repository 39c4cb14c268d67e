DROP TABLE audit_log;
DROP TABLE settings;
DROP TABLE calendar_days;
DROP TABLE users;
DROP TABLE agencies;
