package io.flywheel.core;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Asks each service of a home how it is: its HTTP health URL, or for Temporal whether its port
 * answers. All are asked at once, each within the timeout.
 */
public final class ServiceHealth {
  private static final Duration TIMEOUT = Duration.ofSeconds(3);

  /** A service and what it answered: {@code up}, {@code up (port answers)}, or what went wrong. */
  public record Checked(LocalServices.Service service, String state) {
    public boolean up() {
      return state.startsWith("up");
    }
  }

  private ServiceHealth() {}

  public static List<Checked> check(List<LocalServices.Service> services) {
    return check(services, TIMEOUT);
  }

  public static List<Checked> check(List<LocalServices.Service> services, Duration timeout) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(timeout).build();
    List<java.util.concurrent.CompletableFuture<Checked>> asked = new ArrayList<>();
    for (LocalServices.Service s : services) {
      asked.add(
          java.util.concurrent.CompletableFuture.supplyAsync(
              () -> new Checked(s, state(http, s, timeout))));
    }
    return asked.stream().map(java.util.concurrent.CompletableFuture::join).toList();
  }

  private static String state(HttpClient http, LocalServices.Service s, Duration timeout) {
    if (s.health() == null) {
      int colon = s.url().lastIndexOf(':');
      try (Socket socket = new Socket()) {
        socket.connect(
            new InetSocketAddress(
                s.url().substring(0, colon), Integer.parseInt(s.url().substring(colon + 1))),
            (int) timeout.toMillis());
        return "up (port answers)";
      } catch (IOException | RuntimeException e) {
        return "unreachable";
      }
    }
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(s.health())).timeout(timeout).build(),
              HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? "up" : "HTTP " + r.statusCode() + " " + r.body();
    } catch (IOException e) {
      return "unreachable";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "unreachable";
    }
  }
}
