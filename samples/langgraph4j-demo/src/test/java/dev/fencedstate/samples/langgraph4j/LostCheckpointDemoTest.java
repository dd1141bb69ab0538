package dev.fencedstate.samples.langgraph4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The demo's scenario, run quietly: the stock saver loses a request's checkpoints, the fenced saver none. */
class LostCheckpointDemoTest {

    @Test
    void stockSaverLosesFencedSaverDoesNot() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        assertThat(LostCheckpointDemo.run(new PrintStream(printed, true, StandardCharsets.UTF_8))).isTrue();
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("LOST:").contains("fenced saver lost nothing");
    }
}
