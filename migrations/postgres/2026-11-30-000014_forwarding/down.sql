DROP TABLE application_forwards;
