package dev.twophase.participants.artemis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

class StandaloneBrokerTest {

    @Test
    void parsesAllOptions() {
        StandaloneBroker.Options o = StandaloneBroker.Options.parse(
                new String[] {"--data-dir", "/tmp/b", "--host", "0.0.0.0", "--port", "61700", "--parent-pid", "42"});
        assertThat(o).isEqualTo(new StandaloneBroker.Options(Path.of("/tmp/b"), "0.0.0.0", 61700, 42));
    }

    @Test
    void defaultsToLoopbackAndTheArtemisPort() {
        StandaloneBroker.Options o = StandaloneBroker.Options.parse(new String[] {"--data-dir", "d"});
        assertThat(o.host()).isEqualTo("127.0.0.1");
        assertThat(o.port()).isEqualTo(61616);
        assertThat(o.parentPid()).isNegative();
    }

    @Test
    void rejectsAMissingDataDirectory() {
        assertThatThrownBy(() -> StandaloneBroker.Options.parse(new String[] {"--port", "1"}))
                .hasMessage("--data-dir is required");
    }

    @Test
    void rejectsAnOptionWithoutValue() {
        assertThatThrownBy(() -> StandaloneBroker.Options.parse(new String[] {"--data-dir"}))
                .hasMessage("option --data-dir needs a value");
    }

    @Test
    void rejectsAPortThatIsNotANumberOrOutOfRange() {
        assertThatThrownBy(() -> StandaloneBroker.Options.parse(new String[] {"--data-dir", "d", "--port", "x"}))
                .hasMessageContaining("'x'");
        assertThatThrownBy(() -> StandaloneBroker.Options.parse(new String[] {"--data-dir", "d", "--port", "0"}))
                .hasMessageContaining("between 1 and 65535");
    }

    @Test
    void rejectsAnUnknownOption() {
        assertThatThrownBy(() -> StandaloneBroker.Options.parse(new String[] {"--dir", "d"}))
                .hasMessage("unknown option '--dir'");
    }
}
