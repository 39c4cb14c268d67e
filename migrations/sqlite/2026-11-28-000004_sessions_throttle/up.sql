-- Server-side sessions (a logout ends every copy of the cookie) and the login
-- throttle's counters (shared by every process on one database).
-- Same SQL on both backends.

CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    seen_at TIMESTAMP NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_seen ON sessions (seen_at);

CREATE TABLE login_attempts (
    key TEXT PRIMARY KEY,
    attempts INTEGER NOT NULL,
    window_start TIMESTAMP NOT NULL
);

-- Exact search by credit code (the case list and the intake search).
CREATE INDEX requesters_credit_code ON requesters (credit_code);
