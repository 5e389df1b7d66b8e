package dev.vectis.api.executor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vectis.workers.Worker;
import org.junit.jupiter.api.Test;

/** The worker list names every worker: what it said it is called, else how the network knows it. */
class ExecutorViewsTest {

    @Test
    void theHostnameFallsBackToTheSubdomainThenTheAddressThenTheId() {
        assertThat(ExecutorViews.hostname(worker("pc-1", "worker-ab12.vectis.dev", "203.0.113.5"))).isEqualTo("pc-1");
        assertThat(ExecutorViews.hostname(worker(" ", "worker-ab12.vectis.dev", "203.0.113.5")))
                .isEqualTo("worker-ab12.vectis.dev");
        assertThat(ExecutorViews.hostname(worker(null, null, "203.0.113.5"))).isEqualTo("203.0.113.5");
        assertThat(ExecutorViews.hostname(worker(null, "", null))).isEqualTo("wrk_abc123");
        assertThat(ExecutorViews.worker(worker(null, "worker-ab12.vectis.dev", null)).hostname())
                .isEqualTo("worker-ab12.vectis.dev");
    }

    private static Worker worker(String hostname, String subdomain, String ip) {
        return new Worker("wrk_abc123", "fleet", hostname, null, null, null, 1, true, 0, 0, 0, 0, ip, subdomain, null,
                null, null, null, null, "active");
    }
}
