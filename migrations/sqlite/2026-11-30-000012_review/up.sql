-- Review before disclosure (Regulation art. 17, "先审查、后公开"; domain::review).
-- The steps each agency's answers pass before they are made and issued: a row per step
-- switched on ('confidentiality' 保密审查, 'legality' 法制审核, 'sign_off' 签发). An agency
-- without rows answers in one step, as before. Same SQL on both backends.
CREATE TABLE review_steps (
    agency_id BIGINT NOT NULL REFERENCES agencies (id),
    step TEXT NOT NULL CHECK (step IN ('confidentiality', 'legality', 'sign_off')),
    PRIMARY KEY (agency_id, step)
);

-- Drafts waiting for a step of their review: an index of the case histories (the events
-- are the record), rebuilt with the other derived columns whenever a case changes, for the
-- dashboard and the case list. `since` is the day the draft reached the step.
CREATE TABLE review_queue (
    case_id BIGINT PRIMARY KEY REFERENCES cases (id),
    step TEXT NOT NULL,
    round INTEGER NOT NULL,
    since DATE NOT NULL,
    drafted_by BIGINT REFERENCES users (id)
);
