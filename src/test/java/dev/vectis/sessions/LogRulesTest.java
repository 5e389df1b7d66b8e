package dev.vectis.sessions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading and redacting worker logs with operator patterns: what decides, what is hidden, what gives up. */
class LogRulesTest {

    static final ProvisionRules DEFAULTS = new ProvisionRules(ProvisionRules.DEFAULT_READY,
            ProvisionRules.DEFAULT_FAILURE, ProvisionRules.DEFAULT_REDACT, ProvisionRules.REFUND, 900);
    /** Backtracks for minutes on a long run of x without a y, even with the JDK's loop memoisation. */
    static final String BACKTRACKS = "(x+x+)+y";

    static LogRules rules(List<String> ready, List<String> failure, List<String> redact) {
        return LogRules.of(new ProvisionRules(ready, failure, redact, null, null).over(DEFAULTS));
    }

    @Test
    void theDefaultsRecogniseTheRealWorkersReadyLines() {
        LogRules r = LogRules.of(DEFAULTS);
        for (String log : List.of(
                "Created Windows 10\nIP: 203.0.113.7\nRDP: Admin/S3cret\nVM is ready!\n",
                "Creating Ubuntu 22.04 VM\nVM is running. Use the SSHx link https://sshx.io/s/abc#k\n",
                "[agent] Booting image\nUsername: Administrator\nPassword: Passw0rd\nStatus: ready\n",
                "\u001B[32m2025-01-01 10:00:00 Status: running\u001B[0m\n",
                "SSH: ssh root@203.0.113.9 -p 22\n")) {
            LogRules.Verdict v = r.read(log).verdict();
            assertThat(v).as(log).isNotNull();
            assertThat(v.ready()).as(log).isTrue();
            assertThat(v.reason()).contains("ready_patterns[");
        }
        assertThat(r.read("Created Windows 10\nIP: 203.0.113.7\n").verdict()).as("progress decides nothing").isNull();
        assertThat(r.read("Installing sshx from https://sshx.io/get\n").verdict())
                .as("the installer's URL is not the session link").isNull();
        assertThat(r.read("Created Windows 10\nIP: 203.0.113.7\n").lines()).isEqualTo(2);
    }

    @Test
    void theDefaultsRecogniseErrorAndFailedLinesAndTheLastDecisiveLineWins() {
        LogRules r = LogRules.of(DEFAULTS);
        for (String line : List.of("Error: no capacity for Windows 10", "[FATAL] disk full",
                "2025-01-01 10:00:00 ERROR upstream refused", "Failed to create VM", "Status: exited with code 1",
                "Windows 10 VM creation failed")) {
            LogRules.Verdict v = r.read("Created Windows 10\n" + line + "\n").verdict();
            assertThat(v).as(line).isNotNull();
            assertThat(v.ready()).as(line).isFalse();
            assertThat(v.reason()).contains("failure_patterns[").contains(line).contains("line 2");
        }
        LogRules.Verdict retried = r.read("Error: download timed out, retrying\nVM is ready!\n").verdict();
        assertThat(retried.ready()).as("a retried error followed by the ready line").isTrue();
        assertThat(r.read("Created 0 errors\nWaiting for failed-over disks\n").verdict()).isNull();
    }

    @Test
    void redactionHidesCaptureGroupsOrWholeMatchesOnEveryLine() {
        LogRules r = rules(null, null, List.of("^Upstream session (\\S+)", "sk-[0-9a-f]{8}"));
        String out = r.redact("Upstream session abc123\r\nkey sk-0123abcd and sk-89abcdef\nRDP: Admin/Pw\n");
        assertThat(out).isEqualTo("Upstream session [redacted]\r\nkey [redacted] and [redacted]\nRDP: Admin/Pw\n");
        assertThat(LogRules.of(DEFAULTS).redact("Session token: tok_live_1\nPassword: keep-me\n"))
                .isEqualTo("Session token: [redacted]\nPassword: keep-me\n");
    }

    @Test
    void aBacktrackingPatternGivesUpOnItsLineWithoutStoppingTheOthers() {
        String stuck = "x".repeat(5000);
        LogRules r = rules(List.of(BACKTRACKS, "^VM is ready!$"), List.of(), List.of());
        LogRules.Verdict v = r.read("Created Windows 10\n" + stuck + "\nVM is ready!\n").verdict();
        assertThat(v.ready()).isTrue();
        assertThat(v.reason()).contains("Line 3").contains("ready_patterns[1]");
    }

    @Test
    void redactionFailsClosedWhenAPatternGivesUp() {
        String stuck = "x".repeat(5000) + " secret-xyz";
        LogRules r = rules(null, null, List.of(BACKTRACKS, "secret-\\w+"));
        assertThat(r.redact("first line\n" + stuck + "\nlast secret-abc\n"))
                .isEqualTo("first line\n" + LogRules.UNCHECKED_LINE + "\nlast [redacted]\n");
    }

    @Test
    void aLogThatExhaustsThePassBudgetHidesWhatWasNotChecked() {
        String line = "x".repeat(60_000) + "\n";
        LogRules r = rules(null, null, List.of(BACKTRACKS));
        String out = r.redact(line.repeat(20));
        assertThat(out).doesNotContain("xxxx").contains(LogRules.UNCHECKED_REST);
    }

    @Test
    void aLongOrdinaryLogIsRedactedInFullAndItsLastLineStillDecides() {
        String filler = "Downloading layer 42: 1234567890 bytes of aGVsbG8gd29ybGQ= done\n".repeat(15_000);
        String blob = "cert " + "QUJDRA".repeat(20_000) + "\n";
        String log = "Session token: t0k-123\n" + filler + blob + "VM is ready!\n";
        LogRules r = LogRules.of(DEFAULTS);
        String out = r.redact(log);
        assertThat(out).doesNotContain("t0k-123").doesNotContain("[redacted: ").contains("Session token: [redacted]");
        assertThat(out.length()).isGreaterThan(1_000_000);
        LogRules.Reading reading = r.read(out);
        assertThat(reading.verdict().ready()).isTrue();
        assertThat(reading.lines()).isEqualTo(15_003);
        assertThat(reading.verdict().reason()).contains("Line 15003");
    }

    @Test
    void patternsAreCheckedWithTheirPlaceNamed() {
        assertThatThrownBy(() -> LogPatterns.compileAll(List.of("ok", "("), "ready_patterns"))
                .isInstanceOfSatisfying(LogPatterns.Invalid.class,
                        e -> assertThat(e.field()).isEqualTo("ready_patterns[1]"));
        assertThatThrownBy(() -> LogPatterns.compileAll(List.of(".*"), "failure_patterns"))
                .hasMessageContaining("empty line");
        assertThatThrownBy(() -> LogPatterns.compileAll(List.of("a".repeat(501)), "redact_patterns"))
                .hasMessageContaining("500");
        assertThatThrownBy(() -> LogPatterns.compileAll(java.util.Collections.nCopies(21, "a"), "ready_patterns"))
                .isInstanceOfSatisfying(LogPatterns.Invalid.class,
                        e -> assertThat(e.field()).isEqualTo("ready_patterns"));
        for (List<String> defaults : List.of(ProvisionRules.DEFAULT_READY, ProvisionRules.DEFAULT_FAILURE,
                ProvisionRules.DEFAULT_REDACT)) {
            assertThat(LogPatterns.compileAll(defaults, "defaults")).hasSameSizeAs(defaults);
        }
    }

    @Test
    void durationsAreSaidInTheRightWords() {
        assertThat(TimeWords.of(Duration.ofSeconds(20))).isEqualTo("20 seconds");
        assertThat(TimeWords.of(Duration.ofSeconds(1))).isEqualTo("1 second");
        assertThat(TimeWords.of(Duration.ofSeconds(60))).isEqualTo("1 minute");
        assertThat(TimeWords.of(Duration.ofSeconds(90))).isEqualTo("1 minute 30 seconds");
        assertThat(TimeWords.of(Duration.ofMinutes(15))).isEqualTo("15 minutes");
        assertThat(TimeWords.of(Duration.ofSeconds(3600 + 120))).isEqualTo("1 hour 2 minutes");
        assertThat(TimeWords.of(Duration.ofHours(24))).isEqualTo("24 hours");
    }
}
