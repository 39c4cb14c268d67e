-- Outgoing mail, written in the same transaction as the event that causes
-- it and delivered by the worker (service::mail). `dedupe_key` is unique so
-- a message is never queued twice, even by two processes at once; a worker
-- claims a row by setting `lease_until`/`leased_by`. Same SQL on both
-- backends, except the key.

CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    recipient TEXT NOT NULL,
    user_id BIGINT REFERENCES users (id),
    case_id BIGINT REFERENCES cases (id),
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    body_html TEXT NOT NULL DEFAULT '',
    dedupe_key TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    lease_until TIMESTAMP,
    leased_by TEXT,
    last_error TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP
);
-- The worker's question: what is queued and due.
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_case ON outbox (case_id);

-- A member of staff may turn off their own reminders and daily digest.
ALTER TABLE users ADD COLUMN mail_reminders BOOLEAN NOT NULL DEFAULT TRUE;
