-- The tracking store's schema as Flywheel created it before migrations were versioned. A home
-- written by that code has these tables and no history table: Flyway baselines it at version 1
-- (baselineOnMigrate), so this script runs only on a new database. Never edit it: add a
-- V2__... script beside it instead.

CREATE TABLE IF NOT EXISTS experiments (id BIGINT PRIMARY KEY,
  name VARCHAR(500) NOT NULL UNIQUE, artifact_location VARCHAR(2000),
  lifecycle_stage VARCHAR(20) NOT NULL, creation_time BIGINT, last_update_time BIGINT);

CREATE TABLE IF NOT EXISTS experiment_tags (experiment_id BIGINT,
  k VARCHAR(250), v VARCHAR(8000), PRIMARY KEY (experiment_id, k));

CREATE TABLE IF NOT EXISTS runs (run_id VARCHAR(32) PRIMARY KEY,
  experiment_id BIGINT NOT NULL, run_name VARCHAR(250), user_id VARCHAR(250),
  status VARCHAR(20) NOT NULL, start_time BIGINT, end_time BIGINT,
  artifact_uri VARCHAR(2000), lifecycle_stage VARCHAR(20) NOT NULL);

CREATE TABLE IF NOT EXISTS params (run_id VARCHAR(32), k VARCHAR(250),
  v VARCHAR(6000), PRIMARY KEY (run_id, k));

CREATE TABLE IF NOT EXISTS tags (run_id VARCHAR(32), k VARCHAR(250),
  v VARCHAR(8000), PRIMARY KEY (run_id, k));

CREATE TABLE IF NOT EXISTS metrics (seq BIGINT AUTO_INCREMENT PRIMARY KEY,
  run_id VARCHAR(32) NOT NULL, k VARCHAR(250) NOT NULL, v DOUBLE PRECISION,
  ts BIGINT, step BIGINT);

CREATE INDEX IF NOT EXISTS metrics_by_run ON metrics (run_id, k);

CREATE TABLE IF NOT EXISTS registered_models (name VARCHAR(256) PRIMARY KEY,
  description VARCHAR(5000), creation_time BIGINT, last_update_time BIGINT);

CREATE TABLE IF NOT EXISTS registered_model_tags (name VARCHAR(256),
  k VARCHAR(250), v VARCHAR(8000), PRIMARY KEY (name, k));

CREATE TABLE IF NOT EXISTS model_versions (name VARCHAR(256), version INT,
  source VARCHAR(2000), run_id VARCHAR(32), description VARCHAR(5000),
  creation_time BIGINT, last_update_time BIGINT, PRIMARY KEY (name, version));

CREATE TABLE IF NOT EXISTS model_version_tags (name VARCHAR(256),
  version INT, k VARCHAR(250), v VARCHAR(8000), PRIMARY KEY (name, version, k));

CREATE TABLE IF NOT EXISTS model_aliases (name VARCHAR(256),
  alias VARCHAR(255), version INT, PRIMARY KEY (name, alias));
