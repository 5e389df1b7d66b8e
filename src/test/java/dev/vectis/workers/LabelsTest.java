package dev.vectis.workers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vectis.error.InvalidInputException;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class LabelsTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void aJsonObjectOfStringsIsReadAndWrittenInKeyOrder() {
        Labels labels = Labels.fromJson(json("{\"os\":\"linux\",\"gpu\":\"true\",\"zone\":\"eu-west/1.a_b\"}"),
                "labels");
        assertThat(labels.pairs()).containsExactly(Map.entry("gpu", "true"), Map.entry("os", "linux"),
                Map.entry("zone", "eu-west/1.a_b"));
        assertThat(labels.canonical()).isEqualTo("gpu=true,os=linux,zone=eu-west/1.a_b");
        assertThat(Labels.fromCanonical(labels.canonical())).isEqualTo(labels);
    }

    @Test
    void nothingIsNone() {
        assertThat(Labels.fromJson(null, "labels")).isEqualTo(Labels.NONE);
        assertThat(Labels.fromJson(json("null"), "labels").isEmpty()).isTrue();
        assertThat(Labels.fromJson(json("{}"), "labels").canonical()).isNull();
        assertThat(Labels.fromText(" ", "labels")).isEqualTo(Labels.NONE);
        assertThat(Labels.fromCanonical(null)).isEqualTo(Labels.NONE);
    }

    @Test
    void formTextIsPairsOrJson() {
        assertThat(Labels.fromText("os=linux, gpu=true", "labels").canonical()).isEqualTo("gpu=true,os=linux");
        assertThat(Labels.fromText("{\"gpu\":\"true\"}", "labels").canonical()).isEqualTo("gpu=true");
        assertInvalid(() -> Labels.fromText("os=linux,os=mac", "labels"), "twice");
        assertInvalid(() -> Labels.fromText("gpu", "labels"), "key=value");
        assertInvalid(() -> Labels.fromText("{\"gpu\":", "labels"), "JSON object");
    }

    @Test
    void includesIsASubsetOfPairs() {
        Labels worker = Labels.fromText("os=linux,gpu=true", "labels");
        assertThat(worker.includes(Labels.fromText("gpu=true", "labels"))).isTrue();
        assertThat(worker.includes(Labels.NONE)).isTrue();
        assertThat(worker.includes(Labels.fromText("gpu=false", "labels"))).isFalse();
        assertThat(worker.includes(Labels.fromText("gpu=true,arch=arm64", "labels"))).isFalse();
    }

    @Test
    void badLabelsAre400sNamingTheField() {
        assertInvalid(() -> Labels.fromJson(json("[\"gpu\"]"), "labels"), "JSON object");
        assertInvalid(() -> Labels.fromJson(json("\"gpu=true\""), "labels"), "JSON object");
        assertInvalid(() -> Labels.fromJson(json("{\"gpu\":true}"), "labels"), "labels.gpu must be a string");
        assertInvalid(() -> Labels.fromJson(json("{\"gpu\":{\"a\":\"b\"}}"), "labels"), "must be a string");
        assertInvalid(() -> Labels.fromJson(json("{\"gpu\":\"\"}"), "labels"), "1 to 63");
        assertInvalid(() -> Labels.fromJson(json("{\"\":\"x\"}"), "labels"), "key");
        assertInvalid(() -> Labels.fromJson(json("{\"g p u\":\"x\"}"), "labels"), "A-Z a-z 0-9 . _ / -");
        assertInvalid(() -> Labels.fromJson(json("{\"gpu\":\"yes,no\"}"), "labels"), "A-Z a-z 0-9 . _ / -");
        assertInvalid(() -> Labels.fromJson(json("{\"gpu\":\"a=b\"}"), "labels"), "A-Z a-z 0-9 . _ / -");
        assertInvalid(() -> Labels.fromJson(json("{\"k\":\"" + "x".repeat(64) + "\"}"), "labels"), "1 to 63");
        assertInvalid(() -> Labels.fromJson(json("{\"" + "k".repeat(64) + "\":\"x\"}"), "labels"), "1 to 63");
        TreeMap<String, String> many = new TreeMap<>();
        for (int i = 0; i <= Labels.MAX_COUNT; i++) {
            many.put("k" + i, "v");
        }
        assertInvalid(() -> Labels.fromJson(MAPPER.valueToTree(many), "labels"), "at most 16");
        assertThat(Labels.fromJson(MAPPER.valueToTree(many.headMap("k9")), "labels").pairs()).hasSizeLessThan(17);
    }

    private static void assertInvalid(Runnable parse, String text) {
        assertThatThrownBy(parse::run).isInstanceOf(InvalidInputException.class).hasMessageContaining(text)
                .satisfies(e -> assertThat(((InvalidInputException) e).field()).isEqualTo("labels"));
    }

    private static JsonNode json(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
