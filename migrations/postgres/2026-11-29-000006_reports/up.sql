-- The annual report: figures as published when a year is finalised (kept as
-- issued, like letters), and figures for years before gongkai that an
-- administrator enters, so a first report can still compare with last year.
-- Same SQL on both backends, except the keys.

CREATE TABLE report_snapshots (
    id BIGSERIAL PRIMARY KEY,
    agency_id BIGINT NOT NULL REFERENCES agencies (id),
    year INTEGER NOT NULL,
    profile TEXT NOT NULL,
    body TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    finalised_by BIGINT REFERENCES users (id),
    finalised_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX report_snapshots_year ON report_snapshots (agency_id, year);

CREATE TABLE report_baselines (
    agency_id BIGINT NOT NULL REFERENCES agencies (id),
    year INTEGER NOT NULL,
    received BIGINT NOT NULL,
    reviews BIGINT NOT NULL,
    lawsuits BIGINT NOT NULL,
    PRIMARY KEY (agency_id, year)
);
