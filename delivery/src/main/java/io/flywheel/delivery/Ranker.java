package io.flywheel.delivery;

import io.flywheel.deploy.InferenceClient;
import io.flywheel.deploy.ModelRepository;
import io.flywheel.deploy.ModelRollout;
import io.flywheel.deploy.ServingMetadata;
import java.io.IOException;
import java.util.List;

/** The deployed ranker: which version serves a shopper, and one batched score call. */
public interface Ranker {

  /** The version that serves {@code requestKey} (the rollout's choice: champion or canary). */
  Version versionFor(String requestKey) throws IOException;

  /**
   * A version chosen by name (an experiment arm's {@code model_version}) when the rollout serves it
   * (live or canary); empty otherwise.
   */
  default java.util.Optional<Version> served(String version) throws IOException {
    return java.util.Optional.empty();
  }

  /** Scores {@code rows} × {@code columns} values in {@code version}'s feature order. */
  double[] score(Version version, String requestKey, float[] values, int rows, int columns)
      throws IOException;

  /** A model version as the scorer needs it: its id and its input columns. */
  record Version(String model, String version, ServingMetadata metadata) {
    public List<String> featureNames() {
      return metadata.featureNames();
    }

    public String id() {
      return model + "/" + version;
    }
  }

  /**
   * {@code model} through its rollout in {@code repository}. The rollout state is re-read every few
   * seconds, so a deploy, promotion or rollback done by another process is followed, while the
   * canary's observation window carries on.
   *
   * @param client the client the rollouts score through (told to reconnect after a failure)
   */
  static Ranker deployed(
      String model, ModelRepository repository, ModelRollout rollout, InferenceClient client) {
    return new RolloutRanker(model, repository, rollout, client::resetConnectBackoff);
  }

  /**
   * A client for scoring inside a request: one attempt under a short deadline (a request cannot
   * wait for retries), so a stopped server costs a request its ranker, not a thread for seconds.
   */
  static InferenceClient requestClient(String address, java.time.Duration deadline) {
    return InferenceClient.connect(
        address, new InferenceClient.Settings(2, deadline, 1, java.time.Duration.ZERO));
  }
}
