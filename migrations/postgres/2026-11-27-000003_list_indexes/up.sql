-- Indexes for the case list's default order and the dashboard's per-day counts
-- (measured with benches/lists.rs at 100,000 cases). Same SQL on both backends.
CREATE INDEX cases_list_order ON cases (status DESC, (due_on IS NULL), due_on, received_on DESC, id DESC);
CREATE INDEX cases_received_scope ON cases (received_on, status, agency_id);
CREATE INDEX cases_closed_scope ON cases (closed_on, late, status, agency_id);
DROP INDEX cases_received;
DROP INDEX cases_closed;
