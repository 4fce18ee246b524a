-- MLflow's model version stages (None, Staging, Production, Archived): what
-- registered-models/get-latest-versions filters by and model-versions/transition-stage sets.
-- Versions registered before this migration are in stage None, as MLflow's own are.
ALTER TABLE model_versions ADD COLUMN IF NOT EXISTS current_stage VARCHAR(20) DEFAULT 'None' NOT NULL;
