-- Files kept with a case or with an online application waiting to be
-- confirmed (rows of an application get its case when it is confirmed). The
-- bytes are in the database so every instance serves them. Same SQL on both
-- backends, except the key and the bytes' type.
CREATE TABLE attachments (
    id BIGSERIAL PRIMARY KEY,
    case_id BIGINT REFERENCES cases (id),
    application_id BIGINT REFERENCES applications (id),
    kind TEXT NOT NULL,
    file_name TEXT NOT NULL,
    media_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    content BYTEA NOT NULL,
    -- The member of staff who added it; none when the applicant sent it.
    uploaded_by BIGINT REFERENCES users (id),
    uploaded_at TIMESTAMP NOT NULL,
    CHECK (case_id IS NOT NULL OR application_id IS NOT NULL)
);
CREATE INDEX attachments_case ON attachments (case_id);
CREATE INDEX attachments_application ON attachments (application_id);
