package dev.vectis.api.marketplace;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.Http;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/** GET /vps/sessions/{id}/events: the current state first, each change after, Last-Event-ID resume. */
class MarketplaceEventsTest {

    static final Duration WAIT = Duration.ofSeconds(20);
    /** vm_starting: the worker's log has begun, so the checklist shows the worker's real progress. */
    static final List<String> STEPS = List.of("payment", "worker_assigned", "vm_requested", "vm_starting",
            "vm_ready");

    /** The checklist's done flags by key, in order. */
    static Map<String, Boolean> checklist(SseStream.Frame f) {
        assertThat(f.event()).isEqualTo("checklist.update");
        Map<String, Boolean> out = new LinkedHashMap<>();
        for (JsonNode item : f.json().get("items")) {
            assertThat(item.get("label").asText()).as("every item has a label").isNotBlank();
            out.put(item.get("key").asText(), item.get("done").asBoolean());
        }
        return out;
    }

    static boolean isStatus(SseStream.Frame f, String status) {
        return f.event().equals("status.update") && f.json().get("status").asText().equals(status);
    }

    static List<String> statuses(List<SseStream.Frame> frames) {
        List<String> out = new ArrayList<>();
        for (SseStream.Frame f : frames) {
            if (f.event().equals("status.update")) {
                out.add(f.json().get("status").asText());
            }
        }
        return out;
    }

    @DbTest
    void theFirstFramesAreTheCurrentStatusAndChecklistWithHeaderOrQueryToken(TestDatabase db) {
        try (FakeVmWorker fake = FakeVmWorker.start(); TestApp app = Market.start(db)) {
            String workerId = Market.worker(app, fake, 3);
            String productId = Market.product(app, "VPS", 10, workerId);
            String token = Market.user(app, "watch@example.com", 10).get("token").asText();
            String sessionId = Market.bought(app, token, "k", productId).get("id").asText();
            Market.awaitStatus(app, token, sessionId, "ready");

            String path = "/vps/sessions/" + sessionId + "/events";
            try (SseStream header = SseStream.open(app.http.base(), path, "Authorization", "Bearer " + token);
                 SseStream query = SseStream.open(app.http.base(), path + "?access_token=" + token)) {
                for (SseStream s : List.of(header, query)) {
                    assertThat(s.status()).as(s.errorBody()).isEqualTo(200);
                    List<SseStream.Frame> first = s.awaitCount(2, WAIT);
                    assertThat(first.get(0).event()).isEqualTo("status.update");
                    assertThat(first.get(0).json().get("status").asText()).isEqualTo("ready");
                    assertThat(first.get(1).event()).isEqualTo("checklist.update");
                    Map<String, Boolean> items = checklist(first.get(1));
                    assertThat(items.keySet()).containsExactlyElementsOf(STEPS);
                    assertThat(items.values()).as("every step is done once ready").containsOnly(true);
                    assertThat(first.get(0).id()).as("frames carry ids for Last-Event-ID").isNotNull();
                    String all = s.describe();
                    assertThat(all).doesNotContain(fake.url()).doesNotContain(workerId);
                }
                assertThat(header.ended()).as("a live session's stream stays open").isFalse();
            }

            try (SseStream none = SseStream.open(app.http.base(), path)) {
                assertThat(none.status()).isEqualTo(401);
            }
            try (SseStream wrong = SseStream.open(app.http.base(), path + "?access_token=vu_wrong")) {
                assertThat(wrong.status()).isEqualTo(401);
            }
            Http.Response elsewhere = app.http.get("/vps/sessions/" + sessionId + "?access_token=" + token);
            assertThat(elsewhere.status()).as("the query-string token is for the event stream only").isEqualTo(401);
        }
    }

    @DbTest
    void aWatcherSeesThePurchaseGoFromPaymentToVmReady(TestDatabase db) throws Exception {
        try (FakeVmWorker fake = FakeVmWorker.start(); TestApp app = Market.start(db)) {
            fake.createDelay = Duration.ofMillis(2500);
            String workerId = Market.worker(app, fake, 3);
            String productId = Market.product(app, "VPS", 10, workerId);
            JsonNode user = Market.user(app, "progress@example.com", 10);
            String token = user.get("token").asText();
            String userId = user.get("id").asText();

            CompletableFuture<Http.Response> purchase = CompletableFuture.supplyAsync(
                    () -> Market.purchase(app, token, "k", productId));
            Awaitility.await("the session row").atMost(WAIT).until(() -> Market.count(app,
                    "SELECT COUNT(*) FROM vps_sessions WHERE user_id = ?", userId) == 1);
            String sessionId = app.app().database().jdbi().withHandle(h -> h.createQuery(
                    "SELECT id FROM vps_sessions WHERE user_id = :u").bind("u", userId).mapTo(String.class).one());

            try (SseStream s = SseStream.open(app.http.base(), "/vps/sessions/" + sessionId + "/events",
                    "Authorization", "Bearer " + token)) {
                assertThat(s.status()).as(s.errorBody()).isEqualTo(200);
                List<SseStream.Frame> first = s.awaitCount(2, WAIT);
                assertThat(first.get(0).event()).isEqualTo("status.update");
                assertThat(first.get(0).json().get("status").asText())
                        .as("connected while the worker is still creating the VM").isEqualTo("pending");
                Map<String, Boolean> paid = checklist(first.get(1));
                assertThat(paid.keySet()).containsExactlyElementsOf(STEPS);
                assertThat(paid).containsEntry("payment", true).containsEntry("worker_assigned", true)
                        .containsEntry("vm_requested", false).containsEntry("vm_ready", false);

                s.await("status provisioning", f -> isStatus(f, "provisioning"), WAIT);
                s.await("status ready", f -> isStatus(f, "ready"), WAIT);
                s.await("checklist all done", f -> f.event().equals("checklist.update")
                        && !checklist(f).containsValue(false), WAIT);
                assertThat(purchase.get(30, TimeUnit.SECONDS).status()).isEqualTo(201);

                List<SseStream.Frame> frames = s.frames();
                assertThat(statuses(frames)).as("status.update frames in order: %s", s.describe())
                        .containsExactly("pending", "provisioning", "ready");
                SseStream.Frame requested = frames.stream().filter(f -> f.event().equals("checklist.update")
                        && checklist(f).get("vm_requested") && !checklist(f).get("vm_ready")).findFirst().orElse(null);
                assertThat(requested).as("a checklist with the VM requested but not ready: %s", s.describe()).isNotNull();
                List<Long> ids = frames.stream().skip(2).map(SseStream.Frame::id).toList();
                assertThat(ids).as("ids increase after the current-state frames").isSorted().doesNotHaveDuplicates();
                assertThat(ids.get(0)).isGreaterThan(first.get(0).id());
                for (SseStream.Frame f : frames) {
                    assertThat(f.json().get("session_id").asText()).isEqualTo(sessionId);
                }
                assertThat(s.describe()).doesNotContain(fake.url()).doesNotContain(workerId);
            }
        }
    }

    @DbTest
    void lastEventIdResumesAfterThatId(TestDatabase db) {
        try (FakeVmWorker fake = FakeVmWorker.start(); TestApp app = Market.start(db)) {
            fake.ready = false;
            String workerId = Market.worker(app, fake, 3);
            String productId = Market.product(app, "VPS", 10, workerId);
            String token = Market.user(app, "resume@example.com", 10).get("token").asText();
            String sessionId = Market.bought(app, token, "k", productId).get("id").asText();
            String path = "/vps/sessions/" + sessionId + "/events";
            // The worker's first log lines are progress of their own (vm_starting); let them be recorded first.
            Awaitility.await("the log's progress").atMost(WAIT).until(() -> Market.count(app,
                    "SELECT log_lines FROM vps_sessions WHERE id = ?", sessionId) > 0);

            long provisioningId;
            try (SseStream s = SseStream.open(app.http.base(), path, "Authorization", "Bearer " + token)) {
                List<SseStream.Frame> first = s.awaitCount(2, WAIT);
                assertThat(first.get(0).json().get("status").asText()).isEqualTo("provisioning");
                provisioningId = first.get(0).id();
                fake.ready = true;
                s.await("ready", f -> isStatus(f, "ready"), WAIT);
            }

            try (SseStream resumed = SseStream.open(app.http.base(), path, "Authorization", "Bearer " + token,
                    "Last-Event-ID", Long.toString(provisioningId))) {
                assertThat(resumed.status()).isEqualTo(200);
                resumed.await("ready after resuming", f -> isStatus(f, "ready"), WAIT);
                List<SseStream.Frame> frames = resumed.frames();
                assertThat(frames).allSatisfy(f -> assertThat(f.id()).isGreaterThan(provisioningId));
                assertThat(statuses(frames)).as("only what followed the given id: %s", resumed.describe())
                        .containsExactly("ready");
                assertThat(frames.get(0).event()).isEqualTo("status.update");
                assertThat(frames.get(frames.size() - 1).event()).isEqualTo("checklist.update");
                assertThat(checklist(frames.get(frames.size() - 1)).values()).containsOnly(true);
                long lastId = frames.get(frames.size() - 1).id();

                try (SseStream caughtUp = SseStream.open(app.http.base(), path + "?access_token=" + token,
                        "Last-Event-ID", Long.toString(lastId))) {
                    assertThat(caughtUp.status()).isEqualTo(200);
                    sleep(Duration.ofMillis(1500));
                    assertThat(caughtUp.frames()).as("nothing after the last id: %s", caughtUp.describe()).isEmpty();
                    assertThat(caughtUp.ended()).isFalse();

                    Http.Response deleted = app.http.method("DELETE", "/vps/sessions/" + sessionId, null,
                            Market.bearer(token));
                    assertThat(deleted.status()).isEqualTo(200);
                    caughtUp.await("status deleted", f -> isStatus(f, "deleted"), WAIT);
                    assertThat(statuses(caughtUp.frames())).containsSubsequence("stopping", "deleted");
                    Awaitility.await("the stream of a deleted session ends").atMost(WAIT).until(caughtUp::ended);
                }
            }
        }
    }

    static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
