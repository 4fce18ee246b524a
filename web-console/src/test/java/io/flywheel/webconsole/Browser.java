package io.flywheel.webconsole;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * One headless Chromium for the test JVM, driven through Debian's chromedriver (both installed by
 * {@code .ci/run}; nothing is downloaded), closed when the JVM ends.
 */
final class Browser {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path DRIVER = Path.of("/usr/bin/chromedriver");
  static final Path SCREENSHOTS = Path.of("target", "screenshots");
  private static WebDriver shared;

  private Browser() {}

  static synchronized WebDriver shared() {
    if (shared == null) {
      if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(DRIVER)) {
        throw new IllegalStateException(
            "the browser tests need Debian's chromium and chromium-driver"
                + " (apt-get install chromium chromium-driver; .ci/run does)");
      }
      ChromeOptions options = new ChromeOptions();
      options.setBinary(CHROMIUM.toFile());
      options.addArguments(
          "--headless=new",
          "--no-sandbox",
          "--disable-dev-shm-usage",
          "--disable-gpu",
          "--window-size=1400,1000");
      ChromeDriverService service =
          new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile()).build();
      shared = new ChromeDriver(service, options);
      shared.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
      WebDriver driver = shared;
      Runtime.getRuntime().addShutdownHook(new Thread(driver::quit));
    }
    return shared;
  }

  /** Keeps a screenshot of what the browser shows as test output. */
  static void screenshot(WebDriver driver, String name) throws Exception {
    Files.createDirectories(SCREENSHOTS);
    byte[] png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES);
    Files.write(SCREENSHOTS.resolve(name + ".png"), png);
  }
}
