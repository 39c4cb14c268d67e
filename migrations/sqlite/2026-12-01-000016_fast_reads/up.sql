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
    gram INTEGER NOT NULL,
    case_id INTEGER NOT NULL REFERENCES cases (id),
    PRIMARY KEY (gram, case_id)
) WITHOUT ROWID;
CREATE INDEX case_grams_case ON case_grams (case_id);

WITH RECURSIVE g (id, s, i) AS (
    SELECT id, search, 1 FROM cases WHERE length(search) >= 2
    UNION ALL
    SELECT id, s, i + 1 FROM g WHERE i + 1 < length(s)
)
INSERT OR IGNORE INTO case_grams (gram, case_id)
SELECT unicode(substr(s, i, 1)) * 2097152 + unicode(substr(s, i + 1, 1)), id FROM g;
CREATE TRIGGER agencies_insert_bumps AFTER INSERT ON agencies BEGIN UPDATE generations SET n = n + 1 WHERE name = 'reference'; END;
CREATE TRIGGER agencies_update_bumps AFTER UPDATE ON agencies BEGIN UPDATE generations SET n = n + 1 WHERE name = 'reference'; END;
CREATE TRIGGER agencies_delete_bumps AFTER DELETE ON agencies BEGIN UPDATE generations SET n = n + 1 WHERE name = 'reference'; END;
CREATE TRIGGER calendar_days_insert_bumps AFTER INSERT ON calendar_days BEGIN UPDATE generations SET n = n + 1 WHERE name = 'reference'; END;
CREATE TRIGGER calendar_days_update_bumps AFTER UPDATE ON calendar_days BEGIN UPDATE generations SET n = n + 1 WHERE name = 'reference'; END;
CREATE TRIGGER calendar_days_delete_bumps AFTER DELETE ON calendar_days BEGIN UPDATE generations SET n = n + 1 WHERE name = 'reference'; END;
CREATE TRIGGER settings_insert_bumps AFTER INSERT ON settings BEGIN UPDATE generations SET n = n + 1 WHERE name = 'reference'; END;
CREATE TRIGGER settings_update_bumps AFTER UPDATE ON settings BEGIN UPDATE generations SET n = n + 1 WHERE name = 'reference'; END;
CREATE TRIGGER settings_delete_bumps AFTER DELETE ON settings BEGIN UPDATE generations SET n = n + 1 WHERE name = 'reference'; END;
CREATE TRIGGER topics_insert_bumps AFTER INSERT ON topics BEGIN UPDATE generations SET n = n + 1 WHERE name = 'reference'; END;
CREATE TRIGGER topics_update_bumps AFTER UPDATE ON topics BEGIN UPDATE generations SET n = n + 1 WHERE name = 'reference'; END;
CREATE TRIGGER topics_delete_bumps AFTER DELETE ON topics BEGIN UPDATE generations SET n = n + 1 WHERE name = 'reference'; END;
CREATE TRIGGER users_insert_bumps AFTER INSERT ON users BEGIN UPDATE generations SET n = n + 1 WHERE name = 'reference'; END;
CREATE TRIGGER users_update_bumps AFTER UPDATE ON users BEGIN UPDATE generations SET n = n + 1 WHERE name = 'reference'; END;
CREATE TRIGGER users_delete_bumps AFTER DELETE ON users BEGIN UPDATE generations SET n = n + 1 WHERE name = 'reference'; END;
CREATE TRIGGER cases_insert_bumps AFTER INSERT ON cases BEGIN UPDATE generations SET n = n + 1 WHERE name = 'cases'; END;
CREATE TRIGGER cases_update_bumps AFTER UPDATE ON cases BEGIN UPDATE generations SET n = n + 1 WHERE name = 'cases'; END;
CREATE TRIGGER cases_delete_bumps AFTER DELETE ON cases BEGIN UPDATE generations SET n = n + 1 WHERE name = 'cases'; END;
CREATE TRIGGER case_events_insert_bumps AFTER INSERT ON case_events BEGIN UPDATE generations SET n = n + 1 WHERE name = 'cases'; END;
CREATE TRIGGER case_events_update_bumps AFTER UPDATE ON case_events BEGIN UPDATE generations SET n = n + 1 WHERE name = 'cases'; END;
CREATE TRIGGER case_events_delete_bumps AFTER DELETE ON case_events BEGIN UPDATE generations SET n = n + 1 WHERE name = 'cases'; END;
CREATE TRIGGER appeals_insert_bumps AFTER INSERT ON appeals BEGIN UPDATE generations SET n = n + 1 WHERE name = 'cases'; END;
CREATE TRIGGER appeals_update_bumps AFTER UPDATE ON appeals BEGIN UPDATE generations SET n = n + 1 WHERE name = 'cases'; END;
CREATE TRIGGER appeals_delete_bumps AFTER DELETE ON appeals BEGIN UPDATE generations SET n = n + 1 WHERE name = 'cases'; END;
CREATE TRIGGER unit_tasks_insert_bumps AFTER INSERT ON unit_tasks BEGIN UPDATE generations SET n = n + 1 WHERE name = 'cases'; END;
CREATE TRIGGER unit_tasks_update_bumps AFTER UPDATE ON unit_tasks BEGIN UPDATE generations SET n = n + 1 WHERE name = 'cases'; END;
CREATE TRIGGER unit_tasks_delete_bumps AFTER DELETE ON unit_tasks BEGIN UPDATE generations SET n = n + 1 WHERE name = 'cases'; END;
CREATE TRIGGER review_queue_insert_bumps AFTER INSERT ON review_queue BEGIN UPDATE generations SET n = n + 1 WHERE name = 'cases'; END;
CREATE TRIGGER review_queue_update_bumps AFTER UPDATE ON review_queue BEGIN UPDATE generations SET n = n + 1 WHERE name = 'cases'; END;
CREATE TRIGGER review_queue_delete_bumps AFTER DELETE ON review_queue BEGIN UPDATE generations SET n = n + 1 WHERE name = 'cases'; END;
