package io.flywheel.console;

import io.flywheel.core.LocalServices;
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

/** Asks each service how it is: its HTTP health URL, or for Temporal whether its port answers. */
final class ServiceHealth {
  private static final Duration TIMEOUT = Duration.ofSeconds(3);

  record Checked(LocalServices.Service service, String state) {
    boolean up() {
      return state.startsWith("up");
    }
  }

  private ServiceHealth() {}

  static List<Checked> check(List<LocalServices.Service> services) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    List<Checked> out = new ArrayList<>();
    for (LocalServices.Service s : services) {
      out.add(new Checked(s, state(http, s)));
    }
    return out;
  }

  private static String state(HttpClient http, LocalServices.Service s) {
    if (s.health() == null) {
      int colon = s.url().lastIndexOf(':');
      try (Socket socket = new Socket()) {
        socket.connect(
            new InetSocketAddress(
                s.url().substring(0, colon), Integer.parseInt(s.url().substring(colon + 1))),
            (int) TIMEOUT.toMillis());
        return "up (port answers)";
      } catch (IOException | RuntimeException e) {
        return "unreachable";
      }
    }
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(s.health())).timeout(TIMEOUT).build(),
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
