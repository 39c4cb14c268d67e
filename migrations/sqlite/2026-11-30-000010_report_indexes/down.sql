DROP INDEX case_events_kind_on;
DROP INDEX cases_report_closed;
DROP INDEX cases_report_received;
