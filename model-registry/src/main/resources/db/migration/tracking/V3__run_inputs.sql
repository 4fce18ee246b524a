-- MLflow's run inputs (runs/log-inputs): the datasets a run read, each with its input tags, kept
-- as MLflow's DatasetInput JSON; one row per (run, dataset name, dataset digest), as MLflow dedups.
CREATE TABLE IF NOT EXISTS run_inputs (run_id VARCHAR(32), dataset_name VARCHAR(500),
  dataset_digest VARCHAR(36), input_json CLOB, seq BIGINT AUTO_INCREMENT,
  PRIMARY KEY (run_id, dataset_name, dataset_digest));
