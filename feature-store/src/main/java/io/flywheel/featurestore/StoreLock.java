package io.flywheel.featurestore;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;

/**
 * An exclusive hold on part of a feature store (its writer, its embedded online database), taken
 * with an OS file lock so it ends when its process ends, however it ends. The holder writes who it
 * is beside the lock, so a second process is told which process holds it, what command it runs and
 * since when, instead of meeting a database error.
 */
public final class StoreLock implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Who holds a lock. */
  public record Holder(long pid, String command, String since) {
    @Override
    public String toString() {
      return "process " + pid + " (" + command + ", since " + since + ")";
    }
  }

  /** The lock is held by another process (or elsewhere in this one). */
  public static final class HeldException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    HeldException(String message) {
      super(message);
    }
  }

  private final FileChannel channel;
  private final FileLock lock;

  private StoreLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Takes the lock {@code name} in {@code folder} for {@code what} (named in errors), waiting up to
   * {@code wait} for its holder to let go (zero: fail at once).
   */
  public static StoreLock acquire(Path folder, String name, String what, Duration wait) {
    Path file = folder.resolve(name + ".lock");
    long deadline = System.nanoTime() + wait.toNanos();
    try {
      Files.createDirectories(folder);
      while (true) {
        FileChannel channel =
            FileChannel.open(
                file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock lock;
        try {
          lock = channel.tryLock();
        } catch (OverlappingFileLockException sameProcess) {
          lock = null;
        }
        if (lock != null) {
          try {
            Holder me =
                new Holder(ProcessHandle.current().pid(), command(), Instant.now().toString());
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(JSON.writeValueAsBytes(me)), 0);
            channel.force(false);
            return new StoreLock(channel, lock);
          } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
          }
        }
        channel.close();
        if (System.nanoTime() >= deadline) {
          throw new HeldException(
              what
                  + " ("
                  + folder
                  + ") is in use by "
                  + holder(file).map(Holder::toString).orElse("another process")
                  + (wait.isZero()
                      ? "; stop it, or wait for it with --wait-lock"
                      : "; gave up " + "waiting after " + wait.toSeconds() + " s"));
        }
        Thread.sleep(200);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot lock " + file, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for " + what, e);
    }
  }

  /**
   * Fails as {@link #acquire} would if another process holds the lock {@code name}: for a caller
   * about to hand the store to code that would take the lock where its error cannot be read (a
   * Flink task, whose failure arrives as a bare JobExecutionException). A lock this process holds
   * is left to it.
   */
  public static void requireFree(Path folder, String name, String what) {
    boolean mine =
        holder(folder.resolve(name + ".lock"))
            .map(h -> h.pid() == ProcessHandle.current().pid())
            .orElse(false);
    if (!mine) {
      acquire(folder, name, what, Duration.ZERO).close();
    }
  }

  /** Who holds the lock in {@code file}, as its holder wrote it (empty when unknown). */
  static java.util.Optional<Holder> holder(Path file) {
    try {
      byte[] bytes = Files.readAllBytes(file);
      return bytes.length == 0
          ? java.util.Optional.empty()
          : java.util.Optional.of(JSON.readValue(bytes, Holder.class));
    } catch (IOException | RuntimeException e) {
      return java.util.Optional.empty();
    }
  }

  /**
   * The system property in which a launcher names what this process is (the CLI sets {@code
   * flywheel features run}, …), shown to whoever finds the lock held.
   */
  public static final String COMMAND_PROPERTY = "flywheel.command";

  private static String command() {
    String named = System.getProperty(COMMAND_PROPERTY);
    if (named != null && !named.isBlank()) {
      return named;
    }
    String arguments =
        ProcessHandle.current().info().arguments().map(a -> String.join(" ", a)).orElse("");
    int flywheel = arguments.indexOf("flywheel.jar");
    String shown =
        flywheel >= 0
            ? "flywheel" + arguments.substring(flywheel + "flywheel.jar".length())
            : ProcessHandle.current().info().command().orElse("java");
    return shown.length() > 120 ? shown.substring(0, 117) + "..." : shown;
  }

  @Override
  public void close() {
    try {
      lock.release();
      channel.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
