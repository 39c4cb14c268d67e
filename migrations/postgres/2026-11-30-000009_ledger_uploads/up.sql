-- A ledger uploaded on the admin page waits here between its preview and its
-- import (any process may serve the second request). Same SQL on both
-- backends, except the key and the bytes' type.
CREATE TABLE ledger_uploads (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    file_name TEXT NOT NULL,
    content BYTEA NOT NULL,
    created_at TIMESTAMP NOT NULL
);
