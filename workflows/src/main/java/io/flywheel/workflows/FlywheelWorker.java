package io.flywheel.workflows;

import io.temporal.client.WorkflowClient;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerFactoryOptions;
import io.temporal.worker.WorkerOptions;

/**
 * One worker process for every module's activities: the DAG workflow on {@value
 * DagWorkflowImpl#QUEUE} and one activity worker per task queue of the catalogue (Flink jobs,
 * training, serving, generic), so kinds of work can be scaled apart on a real cluster.
 */
public final class FlywheelWorker implements AutoCloseable {
  private final WorkerFactory factory;

  private FlywheelWorker(WorkerFactory factory) {
    this.factory = factory;
  }

  /**
   * @param localService true against the embedded service, which stalls a run on the sticky queue
   *     of a worker that is gone
   */
  public static FlywheelWorker start(Pipelines pipelines, boolean localService) {
    WorkflowClient client = pipelines.client();
    TaskCatalog catalog = pipelines.catalog();
    WorkerFactoryOptions.Builder factoryOptions = WorkerFactoryOptions.newBuilder();
    if (localService) {
      // No sticky execution against the embedded service: a run whose worker is gone stalls
      // on that worker's sticky queue there. Every workflow task replays its history instead.
      factoryOptions.setWorkflowCacheSize(0);
    }
    WorkerFactory factory = WorkerFactory.newInstance(client, factoryOptions.build());
    WorkerOptions.Builder options = WorkerOptions.newBuilder();
    if (localService) {
      options.setStickyQueueScheduleToStartTimeout(java.time.Duration.ZERO);
    }
    Worker workflows = factory.newWorker(DagWorkflowImpl.QUEUE, options.build());
    workflows.registerWorkflowImplementationTypes(
        DagWorkflowImpl.class,
        BackfillWorkflowImpl.class,
        TriggerWorkflowImpl.class,
        ScheduleWorkflowImpl.class);
    TaskActivitiesImpl activities = new TaskActivitiesImpl(catalog, pipelines.taskLogs());
    java.util.Set<String> queues = new java.util.TreeSet<>(catalog.queues());
    queues.add(TaskType.DEFAULT_QUEUE); // triggers and schedules start runs from there
    for (String queue : queues) {
      Worker worker = factory.newWorker(queue, options.build());
      worker.registerActivitiesImplementations(activities);
      if (queue.equals(TaskType.DEFAULT_QUEUE)) {
        worker.registerActivitiesImplementations(new TriggerActivitiesImpl(pipelines, catalog));
      }
    }
    factory.start();
    return new FlywheelWorker(factory);
  }

  @Override
  public void close() {
    factory.shutdownNow();
    factory.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
  }
}
