package dev.vectis.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class StorableTextTest {

    private final ObjectMapper mapper = Json.mapper();

    private String firstBad(String json) throws Exception {
        return StorableText.firstBad(mapper.readTree(json));
    }

    @Test
    void namesTheFieldThatHoldsTheBadText() throws Exception {
        assertThat(firstBad("{\"a\":\"ok\",\"b\":[1,\"x\"],\"c\":{\"d\":\"é 😀\"}}")).isNull();
        assertThat(firstBad("\"a\\u0000b\"")).isEqualTo("body");
        assertThat(firstBad("{\"name\":\"a\\u0000b\"}")).isEqualTo("name");
        assertThat(firstBad("{\"data\":{\"phoneNumber\":\"\\ud800\"}}")).isEqualTo("data.phoneNumber");
        assertThat(firstBad("{\"items\":[\"a\",\"b\",\"\\udc00\"]}")).isEqualTo("items[2]");
        assertThat(firstBad("{\"items\":[{},{\"x\":[[\"\\u0000\"]]}]}")).isEqualTo("items[1].x[0][0]");
        assertThat(firstBad("[{\"x\":\"\\u0000\"}]")).isEqualTo("[0].x");
    }

    @Test
    void aBadFieldNameIsBlamedOnTheObjectHoldingIt() throws Exception {
        assertThat(firstBad("{\"na\\u0000me\":\"a\"}")).isEqualTo("body");
        assertThat(firstBad("{\"data\":{\"k\\u0000\":1}}")).isEqualTo("data");
        assertThat(firstBad("{\"list\":[{\"k\\u0000\":1}]}")).isEqualTo("list[0]");
    }
}
