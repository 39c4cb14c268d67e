DROP INDEX requesters_credit_code;
DROP TABLE login_attempts;
DROP TABLE sessions;
