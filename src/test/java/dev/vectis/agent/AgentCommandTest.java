package dev.vectis.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class AgentCommandTest {

    @Test
    void badOptionsExitWithStatusTwoAndSayWhich() {
        assertRefused("--server must be an http(s) URL", "--server", "ftp://example.com");
        assertRefused("--server must be an http(s) URL", "--server", "not a url");
        assertRefused("--max-jobs must be from 1 to 1000", "--server", "http://h", "--max-jobs", "0");
        assertRefused("--vm-port must be from 0 to 65535", "--server", "http://h", "--vm-port", "70000");
        assertRefused("--heartbeat-seconds", "--server", "http://h", "--heartbeat-seconds", "0");
        assertRefused("--ip-detect-url must be an http(s) URL", "--server", "http://h", "--ip-detect-url", "file:/x");
        assertRefused("--label must be key=value pairs", "--server", "http://h", "--label", "gpu");
        assertRefused("--label key \"g p u\" must be 1 to 63 characters", "--server", "http://h", "--label", "g p u=x");
        assertRefused("Missing required option: '--server=URL'");
    }

    private static void assertRefused(String message, String... args) {
        StringWriter err = new StringWriter();
        int status = new CommandLine(new AgentCommand()).setErr(new PrintWriter(err)).execute(args);

        assertThat(status).isEqualTo(2);
        assertThat(err.toString()).contains(message);
    }
}
