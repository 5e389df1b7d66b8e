package dev.vectis.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/grafana/vectis.json only queries series that a running server exports, and
 * docs/operations.md lists every series of Vectis's own that it exports.
 */
class DashboardTest {

    static final Path DASHBOARD = Path.of("docs/grafana/vectis.json");
    static final Path OPERATIONS = Path.of("docs/operations.md");

    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'");
    private static final Pattern MATCHERS = Pattern.compile("\\{[^}]*}");
    private static final Pattern RANGE = Pattern.compile("\\[[^]]*]");
    private static final Pattern GROUPING = Pattern.compile(
            "\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    private static final Pattern WORD = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "by", "without",
            "on", "ignoring", "group_left", "group_right", "inf", "nan");

    @DbTest
    void everyExpressionNamesSeriesTheServerExportsAndTheDocsListThemAll(TestDatabase db) throws IOException {
        List<String> exprs = expressions(new ObjectMapper().readTree(DASHBOARD.toFile()));
        assertThat(exprs).hasSizeGreaterThan(15);
        try (TestApp app = TestApp.start(db)) {
            app.http.get("/health");
            app.http.get("/no/such/page");
            Scrape scrape = Scrape.of(app);
            Set<String> used = new LinkedHashSet<>();
            for (String expr : exprs) {
                Set<String> names = metricNames(expr);
                assertThat(names).as("series named in %s", expr).isNotEmpty();
                for (String name : names) {
                    assertThat(scrape.has(name)).as("%s (in %s) is exported", name, expr).isTrue();
                }
                used.addAll(names);
            }
            assertThat(used).as("the dashboard shows every fleet series").contains(
                    "vectis_workers", "vectis_workers_heartbeat_lag_seconds", "vectis_jobs_pending",
                    "vectis_jobs_running", "vectis_jobs_oldest_pending_age_seconds", "vectis_jobs_finished_total",
                    "vectis_jobs_requeued_total", "vectis_job_duration_seconds_bucket", "vectis_sessions",
                    "vectis_purchases_total", "vectis_coins_in_circulation",
                    "vectis_loop_last_success_timestamp_seconds", "vectis_loop_failures_total",
                    "vectis_fleet_snapshot_failures_total", "http_server_requests_seconds_bucket",
                    "http_server_requests_seconds_count");

            String docs = java.nio.file.Files.readString(OPERATIONS);
            String section = docs.substring(docs.indexOf("### Metrics"), docs.indexOf("## Logs"));
            for (Scrape.Sample s : scrape.samples()) {
                String family = s.name().replaceAll("_(bucket|count|sum|max)$", "");
                if (family.startsWith("vectis_") || family.startsWith("http_")) {
                    assertThat(section).as("docs/operations.md, Metrics, lists %s", family)
                            .contains("`" + family + "`");
                }
            }
        }
    }

    @Test
    void metricNamesAreTheSeriesOfAnExpressionAndNothingElse() {
        assertThat(metricNames("histogram_quantile(0.95, sum by (le, route) "
                + "(rate(http_server_requests_seconds_bucket{status=~\"5..\", route!=\"x\"}[$__rate_interval])))"))
                .containsExactly("http_server_requests_seconds_bucket");
        assertThat(metricNames("time() - min by (loop) (vectis_loop_last_success_timestamp_seconds > 0)"))
                .containsExactly("vectis_loop_last_success_timestamp_seconds");
        assertThat(metricNames("sum(rate(a_sum[5m])) / sum without (instance) (rate(a_count[5m])) or vector(0)"))
                .containsExactly("a_sum", "a_count");
    }

    /** Every "expr" in the dashboard, at any depth (panels, rows' panels, targets). */
    static List<String> expressions(JsonNode node) {
        List<String> found = new ArrayList<>();
        if (node.isObject()) {
            node.fields().forEachRemaining(f -> {
                if (f.getKey().equals("expr") && f.getValue().isTextual()) {
                    found.add(f.getValue().asText());
                } else {
                    found.addAll(expressions(f.getValue()));
                }
            });
        } else if (node.isArray()) {
            node.forEach(n -> found.addAll(expressions(n)));
        }
        return found;
    }

    /** The series names in a PromQL expression: words that are not functions, keywords or label names. */
    static Set<String> metricNames(String expr) {
        String bare = STRING.matcher(expr).replaceAll(" ");
        bare = MATCHERS.matcher(bare).replaceAll(" ");
        bare = RANGE.matcher(bare).replaceAll(" ");
        bare = GROUPING.matcher(bare).replaceAll(" ");
        Set<String> names = new LinkedHashSet<>();
        Matcher m = WORD.matcher(bare);
        while (m.find()) {
            String word = m.group();
            boolean call = bare.substring(m.end()).stripLeading().startsWith("(");
            boolean number = m.start() > 0 && Character.isDigit(bare.charAt(m.start() - 1));
            if (!call && !number && !KEYWORDS.contains(word.toLowerCase(java.util.Locale.ROOT))) {
                names.add(word);
            }
        }
        return names;
    }
}
