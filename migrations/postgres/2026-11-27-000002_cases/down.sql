DROP TABLE counters;
DROP TABLE letters;
DROP TABLE case_events;
DROP TABLE cases;
DROP TABLE requesters;
DROP TABLE topics;
