package io.flywheel.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Runs tasks on their own threads, released together, and collects what each returned. */
final class Concurrently {
  interface Task<T> {
    T run(int thread) throws Exception;
  }

  /** What each thread returned or threw, in thread order. */
  record Outcome<T>(T value, Throwable error) {}

  private Concurrently() {}

  static <T> List<Outcome<T>> run(int threads, Task<T> task) throws InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<T>> futures = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        int thread = i;
        Callable<T> call =
            () -> {
              start.await();
              return task.run(thread);
            };
        futures.add(pool.submit(call));
      }
      start.countDown();
      List<Outcome<T>> outcomes = new ArrayList<>();
      for (Future<T> f : futures) {
        try {
          outcomes.add(new Outcome<>(f.get(60, TimeUnit.SECONDS), null));
        } catch (ExecutionException e) {
          outcomes.add(new Outcome<>(null, e.getCause()));
        } catch (TimeoutException e) {
          throw new AssertionError("a thread did not finish in 60 s (deadlock?)", e);
        }
      }
      return outcomes;
    } finally {
      pool.shutdownNow();
    }
  }

  /** Like {@link #run}, failing with the first error any thread threw. */
  static <T> List<T> all(int threads, Task<T> task) throws InterruptedException {
    List<T> values = new ArrayList<>();
    for (Outcome<T> o : run(threads, task)) {
      if (o.error() != null) {
        throw new AssertionError("a thread failed: " + o.error(), o.error());
      }
      values.add(o.value());
    }
    return values;
  }
}
