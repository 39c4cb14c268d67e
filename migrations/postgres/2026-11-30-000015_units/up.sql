-- A case sent to a drafting unit (承办单位: a division or subordinate unit that
-- holds the information), one row per unit asked: its internal deadline, and
-- where it stands. The unit's staff see a case only through these rows. Same
-- SQL on both backends, except the key.
CREATE TABLE unit_tasks (
    id BIGSERIAL PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES cases (id),
    unit_id BIGINT NOT NULL REFERENCES agencies (id),
    asked_by BIGINT NOT NULL REFERENCES users (id),
    asked_on DATE NOT NULL,
    due_on DATE NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'asked' CHECK (status IN ('asked', 'signed', 'returned', 'replied')),
    signed_by BIGINT REFERENCES users (id),
    signed_on DATE,
    answer TEXT NOT NULL DEFAULT '',
    answered_by BIGINT REFERENCES users (id),
    answered_on DATE
);
CREATE INDEX unit_tasks_case ON unit_tasks (case_id);
CREATE INDEX unit_tasks_unit ON unit_tasks (unit_id, status);
