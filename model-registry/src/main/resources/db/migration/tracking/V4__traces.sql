-- MLflow's traces (the 2.x tracing API): one row per trace, its TraceInfo (status, times, request
-- metadata, tags) kept as MLflow's JSON; spans live in the artifact store, as in MLflow.
CREATE TABLE IF NOT EXISTS traces (request_id VARCHAR(50) PRIMARY KEY, experiment_id BIGINT,
  timestamp_ms BIGINT, info_json CLOB);
