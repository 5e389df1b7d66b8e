package dev.vectis.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vectis.testing.DbTest;
import dev.vectis.testing.Http;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

/**
 * /metrics stays the same size however many distinct paths are asked for: HTTP series are
 * keyed by route template (unmatched paths share one), each with the same few buckets.
 */
class MetricsCardinalityTest {

    private static final int REQUESTS = 10_000;
    private static final int PATHS = 200;

    @DbTest
    void tenThousandRequestsOverTwoHundredPathsAddOnlyAFewSeries(TestDatabase db) throws Exception {
        try (TestApp app = TestApp.start(db)) {
            List<String> paths = paths();
            // Once each first: every (route, status) pair the load will meet then has its series.
            paths.forEach(p -> send(app.http, p));
            Scrape before = Scrape.of(app);

            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    int first = t;
                    done.add(pool.submit(() -> {
                        for (int i = first; i < REQUESTS; i += 4) {
                            send(app.http, paths.get(i % PATHS) + (i % 3 == 0 ? "?page=" + i : ""));
                        }
                    }));
                }
                for (Future<?> f : done) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }
            Scrape after = Scrape.of(app);

            List<Scrape.Sample> counts = after.all("http_server_requests_seconds_count");
            assertThat(counts.stream().mapToDouble(Scrape.Sample::value).sum())
                    .as("every request was counted").isGreaterThanOrEqualTo(REQUESTS + PATHS);
            Set<String> templates = app.app().routes().stream().map(r -> r.substring(r.indexOf(' ') + 1))
                    .collect(Collectors.toSet());
            Set<String> routes = counts.stream().map(s -> s.labels().get("route")).collect(Collectors.toSet());
            assertThat(routes).as("route labels are templates or 'unmatched', never raw paths")
                    .allMatch(r -> r.equals("unmatched") || templates.contains(r))
                    .contains("unmatched", "/api/v1/workers/{workerId}", "/admin/users/{userId}")
                    .hasSizeLessThan(10);
            for (Scrape.Sample count : counts) {
                long buckets = after.all("http_server_requests_seconds_bucket").stream()
                        .filter(b -> b.labels().get("route").equals(count.labels().get("route"))
                                && b.labels().get("status").equals(count.labels().get("status"))
                                && b.labels().get("method").equals(count.labels().get("method")))
                        .count();
                assertThat(buckets).as("buckets of %s", count.labels()).isEqualTo(9);
            }
            // Per-path labels would have added a dozen lines for each of the 200 paths.
            assertThat(after.lines() - before.lines()).as("lines added by the load").isLessThan(100);
            assertThat(after.lines()).as("lines in all").isLessThan(1500);
        }
    }

    /** Mostly 404s: unknown paths, and unknown ids on routes with a parameter. */
    private static List<String> paths() {
        List<String> paths = new ArrayList<>();
        for (int i = 0; paths.size() < PATHS; i++) {
            paths.add(switch (i % 4) {
                case 0 -> "/no/such/page-" + i;
                case 1 -> "/api/v1/workers/worker-" + i;
                case 2 -> "/admin/users/user-" + i;
                default -> "/.git/config-" + i;
            });
        }
        return paths;
    }

    private static void send(Http http, String path) {
        Http.Response r = http.get(path, TestApp.admin());
        assertThat(r.status()).as("GET %s", path).isEqualTo(404);
    }
}
