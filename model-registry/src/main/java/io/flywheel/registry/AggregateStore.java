package io.flywheel.registry;

import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;

/**
 * What every store shares: the database, and one read-write lock for the tables of its aggregate.
 * Each operation is one transaction on its own connection. Reads hold the lock shared, so they run
 * in parallel and never see another operation of this store half done; writes hold it alone, so a
 * check and the write it guards (a free name, the next version number, a param that must not
 * change) cannot interleave with another write. Validation throws inside the transaction, which
 * rolls back: a rejected request changes nothing.
 *
 * <p>A store may read another store (a run's experiment, a version's run) while holding its own
 * lock; the order is always models, then runs, then experiments, so locks cannot cycle.
 */
abstract class AggregateStore {
  private final TrackingDatabase db;
  private final ReadWriteLock lock = new ReentrantReadWriteLock();
  private final java.util.concurrent.atomic.AtomicLong writes =
      new java.util.concurrent.atomic.AtomicLong();

  AggregateStore(TrackingDatabase db) {
    this.db = db;
  }

  final <T> T read(TrackingDatabase.Work<T> work) {
    return locked(lock.readLock(), work);
  }

  final <T> T write(TrackingDatabase.Work<T> work) {
    try {
      return locked(lock.writeLock(), work);
    } finally {
      writes.incrementAndGet();
    }
  }

  final void change(Consumer<Sql> work) {
    write(
        sql -> {
          work.accept(sql);
          return null;
        });
  }

  /**
   * How many writes this store has made (attempted ones included): a reader that caches what it
   * read knows it is stale when the count has moved.
   */
  final long writes() {
    return writes.get();
  }

  private <T> T locked(Lock held, TrackingDatabase.Work<T> work) {
    held.lock();
    try {
      return db.transaction(work);
    } finally {
      held.unlock();
    }
  }
}
