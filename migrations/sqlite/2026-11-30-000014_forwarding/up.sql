-- An online application sent on, before confirmation, to the agency it was
-- meant for: it takes a number of that agency's series, and the number it had
-- keeps leading to it on /track (`from_no` is unique: a number is given once).
-- Same SQL on both backends, except the key.
CREATE TABLE application_forwards (
    id INTEGER PRIMARY KEY,
    application_id BIGINT NOT NULL REFERENCES applications (id),
    from_agency_id BIGINT NOT NULL REFERENCES agencies (id),
    to_agency_id BIGINT NOT NULL REFERENCES agencies (id),
    from_no TEXT NOT NULL UNIQUE,
    to_no TEXT NOT NULL,
    reason TEXT NOT NULL,
    forwarded_by BIGINT NOT NULL REFERENCES users (id),
    forwarded_at TIMESTAMP NOT NULL
);
CREATE INDEX application_forwards_application ON application_forwards (application_id);
