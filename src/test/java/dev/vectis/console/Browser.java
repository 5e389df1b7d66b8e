package dev.vectis.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * One headless Chromium for a test class, driven through Debian's chromedriver (never one that
 * Selenium would download), with the few steps the console's tests take.
 */
final class Browser implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(15);
    static final Path SCREENSHOTS = Path.of("target", "console-screenshots");

    private final ChromeDriver driver;
    private final Path profile;
    private String base;

    private Browser(ChromeDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    static Browser start() {
        try {
            Path profile = Files.createTempDirectory("vectis-chromium");
            ChromeOptions options = new ChromeOptions();
            options.setBinary(BrowserCondition.chromium().toFile());
            options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--disable-dev-shm-usage", "--disable-extensions", "--disable-default-apps",
                    "--user-data-dir=" + profile, "--window-size=1280,900");
            LoggingPreferences logs = new LoggingPreferences();
            logs.enable(LogType.BROWSER, Level.ALL);
            options.setCapability("goog:loggingPrefs", logs);
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(BrowserCondition.chromedriver().toFile()).usingAnyFreePort().build();
            return new Browser(new ChromeDriver(service, options), profile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The server the following steps talk to; a new origin, so a new session storage. */
    Browser at(String base) {
        this.base = base;
        return this;
    }

    void open(String path) {
        driver.get(base + path);
    }

    /** Opens the console and signs in with this token. */
    void signIn(String token) {
        open("/console");
        WebElement input = visible("#token");
        input.sendKeys(token);
        find("form.signin button[type=submit]").click();
        waitFor(d -> !d.findElements(By.cssSelector("#nav a")).isEmpty(), "the navigation after signing in");
    }

    /** Follows a link of the console, as a person would: no page load. */
    void go(String path) {
        ((JavascriptExecutor) driver).executeScript(
                "history.pushState(null, '', arguments[0]); dispatchEvent(new PopStateEvent('popstate'))", path);
    }

    WebElement visible(String css) {
        return new WebDriverWait(driver, WAIT).until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(css)));
    }

    WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    List<WebElement> all(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    void click(String css) {
        new WebDriverWait(driver, WAIT).until(ExpectedConditions.elementToBeClickable(By.cssSelector(css))).click();
    }

    /** Waits until the element's text contains {@code text}. */
    void waitForText(String css, String text) {
        waitFor(d -> {
            try {
                return d.findElements(By.cssSelector(css)).stream().anyMatch(e -> e.getText().contains(text));
            } catch (StaleElementReferenceException e) {
                return false;
            }
        }, "'" + text + "' in " + css);
    }

    void waitFor(java.util.function.Function<org.openqa.selenium.WebDriver, Boolean> condition, String what) {
        new WebDriverWait(driver, WAIT).withMessage(() -> "waiting for " + what + " on " + driver.getCurrentUrl())
                .ignoring(StaleElementReferenceException.class).until(condition);
    }

    void waitGone(String css) {
        waitFor(d -> d.findElements(By.cssSelector(css)).isEmpty(), css + " to go");
    }

    String connection() {
        return find("#conn").getText();
    }

    Object script(String js, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(js, args);
    }

    void resize(int width, int height) {
        driver.manage().window().setSize(new Dimension(width, height));
    }

    /** Saves what the page shows under target/console-screenshots. */
    void screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Path shot = driver.getScreenshotAs(OutputType.FILE).toPath();
            Files.copy(shot, SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
            Files.deleteIfExists(shot);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Fails on anything the page's policy blocked, or a script error, since the last look. */
    void assertNoPageErrors() {
        List<String> errors = driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(LogEntry::getMessage)
                // A refused call the test made on purpose shows as a failed load; the page handles it.
                .filter(m -> !m.contains("the server responded with a status of"))
                .filter(m -> !m.contains("net::ERR_CONNECTION_REFUSED") && !m.contains("Failed to fetch"))
                .toList();
        assertThat(errors).as("errors in the browser's console").isEmpty();
    }

    /** Forgets the signed-in token and the page's state, between scenarios on the same origin. */
    void reset() {
        try {
            driver.get("about:blank");
        } catch (RuntimeException e) {
            // nothing to reset
        }
        driver.manage().logs().get(LogType.BROWSER);
    }

    Map<String, Object> capabilities() {
        return driver.getCapabilities().asMap();
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            try (var files = Files.walk(profile)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // a temporary profile left behind is harmless
            }
        }
    }
}
