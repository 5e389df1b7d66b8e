package dev.vectis.api.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vectis.http.Json;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PlainHeartbeatTest {

    private static final ObjectMapper MAPPER = Json.mapper();
    private static final String DOCUMENT = "{\"status\":\"ONLINE\",\"cpuUsage\":45.5,\"memoryUsage\":62.3,"
            + "\"uptime\":3600,\"messageCount\":1250,\"sessions\":{\"total\":25,\"connected\":20,\"disconnected\":2,"
            + "\"qr_required\":2,\"reconnecting\":1,\"error\":0},\"timestamp\":\"2024-01-15T10:30:00.000Z\"}";

    /** The document's form and its plain variants: read here, and exactly as the full reader reads them. */
    @ParameterizedTest
    @ValueSource(strings = {
        DOCUMENT,
        "{\"workerId\":\"w-1\",\"status\":\"OFFLINE\",\"cpuUsage\":0,\"sessions\":{}}",
        "{}",
        "{\"status\":\"MAINTENANCE\"}",
        "{\"cpuUsage\":-0.0,\"memoryUsage\":1e2,\"uptime\":3600.6}",
        "{\"uptime\":0.4,\"messageCount\":9223372036854775807}",
        "{\"sessions\":{\"error\":3,\"total\":2147483647}}",
        "{\"timestamp\":\"Mon, 15 Jan 2024 10:30:00 GMT\"}",
        "{ \"status\" : \"ONLINE\" , \"cpuUsage\" : 12.25 }"})
    void thePlainFormIsReadAsTheFullReaderReadsIt(String body) throws Exception {
        HeartbeatReader.Heartbeat plain = plain(body);
        assertThat(plain).isNotNull();
        assertThat(plain).isEqualTo(full(body));
    }

    /** Forms that need converting, keeping or refusing: left to the full reader. */
    @ParameterizedTest
    @ValueSource(strings = {
        "{\"status\":\"online\"}",
        "{\"status\":\" ONLINE\"}",
        "{\"status\":\"BUSY\"}",
        "{\"status\":null}",
        "{\"cpuUsage\":\"45.5\"}",
        "{\"cpuUsage\":\"45.5%\"}",
        "{\"cpuUsage\":-1}",
        "{\"cpuUsage\":1e400}",
        "{\"cpuUsage\":{\"user\":1}}",
        "{\"messageCount\":1250.0}",
        "{\"messageCount\":99999999999999999999}",
        "{\"messageCount\":-1}",
        "{\"timestamp\":1705314600}",
        "{\"timestamp\":\"1705314600000\"}",
        "{\"timestamp\":\" 2024-01-15T10:30:00Z\"}",
        "{\"timestamp\":\"\"}",
        "{\"timestamp\":\"2024-01-15T10:30:00Z\\u0000\"}",
        "{\"timestamp\":\"2024-01-15T10:30:00.000000000000000000000000000000000000000000000000000000Z\"}",
        "{\"load\":1}",
        "{\"metrics\":{\"cpuUsage\":1}}",
        "{\"sessions\":25}",
        "{\"sessions\":{\"qrRequired\":1}}",
        "{\"sessions\":{\"total\":1,\"total\":2}}",
        "{\"sessions\":{\"total\":2147483648}}",
        "{\"sessions\":{\"idle\":1}}",
        "{\"status\":\"ONLINE\",\"status\":\"OFFLINE\"}",
        "{\"cpuUsage\":1,\"memoryUsage\":2,\"cpuUsage\":3}",
        "{\"status\":\"online\"}",
        "{\"workerId\":\"w-2\"}",
        "{\"cpu_usage\":1}",
        "{} {}",
        "{\"status\":\"ONLINE\"",
        "[]",
        ""})
    void otherFormsAreLeftToTheFullReader(String body) {
        assertThat(plain(body)).isNull();
    }

    private static HeartbeatReader.Heartbeat plain(String body) {
        return PlainHeartbeat.read(MAPPER.getFactory(), body.getBytes(StandardCharsets.UTF_8), "w-1");
    }

    private static HeartbeatReader.Heartbeat full(String body) throws Exception {
        return HeartbeatReader.read(MAPPER.readTree(body), "w-1");
    }
}
