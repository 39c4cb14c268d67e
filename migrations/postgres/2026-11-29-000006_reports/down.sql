DROP TABLE report_baselines;
DROP TABLE report_snapshots;
