-- The annual report's grouped counts, answered from indexes alone (measured
-- with benches/report.rs at 1,000,000 cases): new cases by receipt date,
-- results and what stayed open by closing date, fee events by kind and date.
-- Same SQL on both backends.
CREATE INDEX cases_report_received ON cases (received_on, status, agency_id, requester_kind, channel, topic);
CREATE INDEX cases_report_closed ON cases (closed_on, status, agency_id, requester_kind, outcome, received_on);
CREATE INDEX case_events_kind_on ON case_events (kind, on_date);
