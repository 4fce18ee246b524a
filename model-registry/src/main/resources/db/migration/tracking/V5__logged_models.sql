-- MLflow 3's logged models: a model as a first-class entity of an experiment, with its own
-- params, tags and metrics (metrics arrive through the runs' log-metric/log-batch with a model_id),
-- soft-deleted as MLflow does, and the runs that output it.
CREATE TABLE IF NOT EXISTS logged_models (model_id VARCHAR(40) PRIMARY KEY,
  experiment_id BIGINT NOT NULL, name VARCHAR(500) NOT NULL, artifact_location VARCHAR(1000),
  creation_timestamp_ms BIGINT NOT NULL, last_updated_timestamp_ms BIGINT NOT NULL,
  status INT NOT NULL, model_type VARCHAR(500), source_run_id VARCHAR(32),
  deleted BOOLEAN DEFAULT FALSE NOT NULL);
CREATE INDEX IF NOT EXISTS logged_models_experiment ON logged_models (experiment_id);
CREATE TABLE IF NOT EXISTS logged_model_tags (model_id VARCHAR(40), tag_key VARCHAR(250),
  tag_value CLOB, PRIMARY KEY (model_id, tag_key));
CREATE TABLE IF NOT EXISTS logged_model_params (model_id VARCHAR(40), param_key VARCHAR(250),
  param_value CLOB, PRIMARY KEY (model_id, param_key));
CREATE TABLE IF NOT EXISTS logged_model_metrics (model_id VARCHAR(40), metric_name VARCHAR(250),
  timestamp_ms BIGINT, step BIGINT, run_id VARCHAR(32), metric_value DOUBLE,
  dataset_name VARCHAR(500), dataset_digest VARCHAR(36),
  PRIMARY KEY (model_id, metric_name, timestamp_ms, step, run_id));
CREATE TABLE IF NOT EXISTS logged_model_outputs (run_id VARCHAR(32), model_id VARCHAR(40),
  step BIGINT, PRIMARY KEY (run_id, model_id));
