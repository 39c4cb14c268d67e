DROP TABLE unit_tasks;
