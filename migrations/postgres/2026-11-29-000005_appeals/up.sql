-- Reconsiderations and lawsuits over a request (rules.md section 6). The case
-- history records each change as an event; this table holds the current state for
-- lists, the dashboard and the annual report. Same SQL on both backends, except
-- the key.

CREATE TABLE appeals (
    id BIGSERIAL PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES cases (id),
    kind TEXT NOT NULL,
    grounds TEXT NOT NULL,
    review_id BIGINT REFERENCES appeals (id),
    filed_on DATE NOT NULL,
    body TEXT NOT NULL,
    body_case_no TEXT NOT NULL DEFAULT '',
    served_on DATE,
    answered_on DATE,
    result TEXT,
    decided_on DATE,
    doc_numbers TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX appeals_case ON appeals (case_id);
CREATE INDEX appeals_filed ON appeals (filed_on);
