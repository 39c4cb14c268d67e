-- Applications made on the public page (/apply), waiting for a clerk to
-- confirm them (the confirmation day is the legal receipt date, rules.md
-- section 1) or to reject them. The case number is reserved at submission
-- so the applicant can track with it from the start; the access code is
-- stored hashed (argon2, as passwords). `form_token` is unique so a form
-- posted twice stores one application. Same SQL on both backends, except
-- the key.

CREATE TABLE applications (
    id INTEGER PRIMARY KEY,
    agency_id BIGINT NOT NULL REFERENCES agencies (id),
    tracking_no TEXT NOT NULL UNIQUE,
    year INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    requester_kind TEXT NOT NULL,
    requester_name TEXT NOT NULL,
    id_type TEXT NOT NULL DEFAULT '',
    id_number TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    address TEXT NOT NULL DEFAULT '',
    subject TEXT NOT NULL,
    delivery_form TEXT NOT NULL,
    arrived_at TIMESTAMP NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'confirmed', 'rejected')),
    reason TEXT NOT NULL DEFAULT '',
    decided_on DATE,
    decided_by BIGINT REFERENCES users (id),
    case_id BIGINT REFERENCES cases (id),
    code_hash TEXT NOT NULL,
    form_token TEXT NOT NULL UNIQUE
);
-- The clerks' question: what waits in these agencies.
CREATE INDEX applications_pending ON applications (status, agency_id);
