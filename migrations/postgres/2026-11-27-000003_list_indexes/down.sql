CREATE INDEX cases_received ON cases (received_on);
CREATE INDEX cases_closed ON cases (closed_on);
DROP INDEX cases_list_order;
DROP INDEX cases_received_scope;
DROP INDEX cases_closed_scope;
