package io.flywheel.workflows;

import io.temporal.api.enums.v1.ParentClosePolicy;
import io.temporal.workflow.Async;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Starts a child {@link DagWorkflow} per date (workflow id {@code <backfill>-<date>}), never more
 * than the parallelism at once; a failed date does not stop the others, and can be run again alone
 * with {@code pipelines run NAME --date D}.
 */
public final class BackfillWorkflowImpl implements BackfillWorkflow {
  private final Map<String, String> progress = new LinkedHashMap<>();
  private int running;

  @Override
  public Map<String, String> run(BackfillRun backfill) {
    Deque<String> queue = new ArrayDeque<>(backfill.dates());
    backfill.dates().forEach(d -> progress.put(d, "QUEUED"));
    int limit = Math.max(1, backfill.parallelism());
    while (!queue.isEmpty() || running > 0) {
      while (!queue.isEmpty() && running < limit) {
        String date = queue.poll();
        String runId = backfill.backfillId() + "-" + date;
        DagWorkflow child =
            Workflow.newChildWorkflowStub(
                DagWorkflow.class,
                ChildWorkflowOptions.newBuilder()
                    .setWorkflowId(runId)
                    .setTaskQueue(DagWorkflowImpl.QUEUE)
                    .setParentClosePolicy(ParentClosePolicy.PARENT_CLOSE_POLICY_REQUEST_CANCEL)
                    .build());
        progress.put(date, "RUNNING");
        running++;
        Promise<RunState> result =
            Async.function(
                child::run,
                new DagRun(
                    runId, backfill.pipeline(), backfill.params(), date, backfill.routing()));
        result.handle(
            (state, failure) -> {
              progress.put(date, failure == null ? state.status() : "FAILED");
              running--;
              return null;
            });
      }
      int before = running;
      Workflow.await(() -> running < before);
    }
    return new LinkedHashMap<>(progress);
  }

  @Override
  public Map<String, String> progress() {
    return new LinkedHashMap<>(progress);
  }
}
