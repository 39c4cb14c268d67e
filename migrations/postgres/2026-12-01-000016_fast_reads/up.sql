-- Generations: a number per kind of data that every change to it bumps, in the
-- change's own transaction (by the triggers below). Each gongkai process keeps
-- what it derives from that data (the agency tree, the calendar, the rules;
-- list counts and the dashboard) with the generation it was read at, and reads
-- the generations once a request: a change through any process is seen by all.
CREATE TABLE generations (
    name TEXT PRIMARY KEY,
    n BIGINT NOT NULL
);
INSERT INTO generations (name, n) VALUES ('reference', 1), ('cases', 1);

-- The search index: each distinct pair of adjacent characters of a case's
-- search text (two Unicode code points packed as first * 2^21 + second), so a
-- search of two or more characters reads the cases holding its rarest pairs
-- instead of every case. Kept by the application where the text is written.
CREATE TABLE case_grams (
    gram BIGINT NOT NULL,
    case_id BIGINT NOT NULL REFERENCES cases (id),
    PRIMARY KEY (gram, case_id)
);
CREATE INDEX case_grams_case ON case_grams (case_id);

INSERT INTO case_grams (gram, case_id)
SELECT DISTINCT ascii(substr(search, i, 1))::BIGINT * 2097152 + ascii(substr(search, i + 1, 1)), id
FROM cases, generate_series(1, length(search) - 1) AS i;
-- Statistics at once, so the planner knows the index is selective.
ANALYZE case_grams;

-- Once a statement, not once a row: a bulk load bumps once.
CREATE FUNCTION bump_generation() RETURNS trigger AS $$
BEGIN
    UPDATE generations SET n = n + 1 WHERE name = TG_ARGV[0];
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER agencies_bumps AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON agencies FOR EACH STATEMENT EXECUTE FUNCTION bump_generation('reference');
CREATE TRIGGER calendar_days_bumps AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON calendar_days FOR EACH STATEMENT EXECUTE FUNCTION bump_generation('reference');
CREATE TRIGGER settings_bumps AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON settings FOR EACH STATEMENT EXECUTE FUNCTION bump_generation('reference');
CREATE TRIGGER topics_bumps AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON topics FOR EACH STATEMENT EXECUTE FUNCTION bump_generation('reference');
CREATE TRIGGER users_bumps AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON users FOR EACH STATEMENT EXECUTE FUNCTION bump_generation('reference');
CREATE TRIGGER cases_bumps AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON cases FOR EACH STATEMENT EXECUTE FUNCTION bump_generation('cases');
CREATE TRIGGER case_events_bumps AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON case_events FOR EACH STATEMENT EXECUTE FUNCTION bump_generation('cases');
CREATE TRIGGER appeals_bumps AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON appeals FOR EACH STATEMENT EXECUTE FUNCTION bump_generation('cases');
CREATE TRIGGER unit_tasks_bumps AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON unit_tasks FOR EACH STATEMENT EXECUTE FUNCTION bump_generation('cases');
CREATE TRIGGER review_queue_bumps AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON review_queue FOR EACH STATEMENT EXECUTE FUNCTION bump_generation('cases');
