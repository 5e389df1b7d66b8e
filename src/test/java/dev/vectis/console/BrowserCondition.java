package dev.vectis.console;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Runs the browser tests when Chromium and its driver are installed; see {@link RealBrowser}. */
final class BrowserCondition implements ExecutionCondition, BeforeAllCallback {

    private static final AtomicBoolean TOLD = new AtomicBoolean();

    static Path chromium() {
        return Path.of(env("VECTIS_TEST_CHROMIUM", "/usr/bin/chromium"));
    }

    static Path chromedriver() {
        return Path.of(env("VECTIS_TEST_CHROMEDRIVER", "/usr/bin/chromedriver"));
    }

    static boolean installed() {
        return Files.isExecutable(chromium()) && Files.isExecutable(chromedriver());
    }

    static boolean required() {
        return "require".equals(System.getenv("VECTIS_TEST_BROWSER"));
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (installed() || required()) {
            return ConditionEvaluationResult.enabled("a browser is installed, or required");
        }
        String why = "Browser tests skipped: no " + chromium() + " or " + chromedriver()
                + " (apt-get install chromium chromium-driver; VECTIS_TEST_BROWSER=require makes this a failure)";
        if (TOLD.compareAndSet(false, true)) {
            System.out.println(why);
        }
        return ConditionEvaluationResult.disabled(why);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (!installed()) {
            throw new IllegalStateException("VECTIS_TEST_BROWSER=require, but " + chromium() + " or " + chromedriver()
                    + " is missing: apt-get install chromium chromium-driver");
        }
    }

    private static String env(String name, String otherwise) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? otherwise : v;
    }
}
