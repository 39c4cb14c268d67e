DROP TABLE review_queue;
DROP TABLE review_steps;
