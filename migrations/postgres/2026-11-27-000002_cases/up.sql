-- Case handling: requesters, cases, their append-only history, issued letters,
-- per-agency counters for case and document numbers, and the topic list.
-- Kept in lockstep with migrations/sqlite.

CREATE TABLE topics (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    position INTEGER NOT NULL DEFAULT 0,
    active BOOLEAN NOT NULL DEFAULT TRUE
);
INSERT INTO topics (name, position) VALUES
    ('征地拆迁', 1), ('规划建设', 2), ('环境保护', 3), ('社会保障', 4), ('财政资金', 5), ('其他', 99);

CREATE TABLE requesters (
    id BIGSERIAL PRIMARY KEY,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    id_type TEXT NOT NULL DEFAULT '',
    id_number TEXT NOT NULL DEFAULT '',
    credit_code TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    address TEXT NOT NULL DEFAULT '',
    name_lower TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX requesters_name ON requesters (name_lower);
CREATE INDEX requesters_id_number ON requesters (id_number);

CREATE TABLE cases (
    id BIGSERIAL PRIMARY KEY,
    tracking_no TEXT NOT NULL UNIQUE,
    agency_id BIGINT NOT NULL REFERENCES agencies (id),
    year INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    requester_id BIGINT NOT NULL REFERENCES requesters (id),
    requester_kind TEXT NOT NULL,
    requester_name TEXT NOT NULL,
    channel TEXT NOT NULL,
    letter_signed BOOLEAN NOT NULL DEFAULT FALSE,
    arrived_at TIMESTAMP NOT NULL,
    confirmed_on DATE,
    received_on DATE NOT NULL,
    subject TEXT NOT NULL,
    delivery_form TEXT NOT NULL,
    topic TEXT NOT NULL DEFAULT '',
    assigned_to BIGINT REFERENCES users (id),
    status TEXT NOT NULL,
    clock TEXT NOT NULL DEFAULT '',
    due_on DATE,
    extended BOOLEAN NOT NULL DEFAULT FALSE,
    extension_pending BOOLEAN NOT NULL DEFAULT FALSE,
    outcome TEXT,
    closed_on DATE,
    late BOOLEAN NOT NULL DEFAULT FALSE,
    search TEXT NOT NULL,
    public_code TEXT NOT NULL UNIQUE,
    intake_token TEXT UNIQUE,
    version INTEGER NOT NULL DEFAULT 1,
    updated_by BIGINT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (agency_id, year, seq)
);
CREATE INDEX cases_agency_status_due ON cases (agency_id, status, due_on);
CREATE INDEX cases_assigned_status_due ON cases (assigned_to, status, due_on);
CREATE INDEX cases_status_due ON cases (status, due_on);
CREATE INDEX cases_received ON cases (received_on);
CREATE INDEX cases_closed ON cases (closed_on);
CREATE INDEX cases_requester ON cases (requester_id);

CREATE TABLE case_events (
    id BIGSERIAL PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES cases (id),
    at TIMESTAMP NOT NULL,
    user_id BIGINT REFERENCES users (id),
    kind TEXT NOT NULL,
    on_date DATE,
    data TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX case_events_case ON case_events (case_id, id);

CREATE TABLE letters (
    id BIGSERIAL PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES cases (id),
    kind TEXT NOT NULL,
    doc_number TEXT,
    year INTEGER NOT NULL,
    serial INTEGER,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    issued_on DATE NOT NULL,
    issued_at TIMESTAMP NOT NULL,
    issued_by BIGINT REFERENCES users (id)
);
CREATE INDEX letters_case ON letters (case_id);

CREATE TABLE counters (
    agency_id BIGINT NOT NULL REFERENCES agencies (id),
    year INTEGER NOT NULL,
    name TEXT NOT NULL,
    value INTEGER NOT NULL,
    PRIMARY KEY (agency_id, year, name)
);
