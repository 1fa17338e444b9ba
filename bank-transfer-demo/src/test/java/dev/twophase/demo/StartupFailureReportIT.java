package dev.twophase.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.twophase.demo.drill.DrillSupervisor;
import dev.twophase.testing.TestServers;

/**
 * A misconfigured application fails at startup with Spring Boot's "Description / Action" report
 * that names the property or participant and the fix.
 */
@ExtendWith(OutputCaptureExtension.class)
class StartupFailureReportIT {

    @TempDir
    Path dataDir;

    @Test
    void unsafeTransactionManagerNameIsRefusedWithThePropertyAndTheRule(CapturedOutput output) {
        assertThatThrownBy(() -> start("--twophase.coordinator.tm-name=Demo_1")).isInstanceOf(Exception.class);

        assertThat(output).contains("APPLICATION FAILED TO START")
                .contains("twophase.coordinator.tm-name")
                .contains("Demo_1")
                .contains("prefix-free");
    }

    @Test
    void unreachableBankIsRefusedNamingHostAndPort(CapturedOutput output) throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }

        assertThatThrownBy(() -> start("--spring.profiles.active=real",
                "--twophase.participants.jdbc.bank-a.url=jdbc:postgresql://127.0.0.1:" + closedPort + "/twophase_it_a",
                "--twophase.participants.jdbc.bank-b.url=" + TestServers.mysql().url(),
                "--twophase.participants.jms.broker.url=tcp://127.0.0.1:" + closedPort)).isInstanceOf(Exception.class);

        assertThat(output).contains("APPLICATION FAILED TO START")
                .contains("participant 'bank-a' (PostgreSQL at 127.0.0.1:" + closedPort + ")")
                .contains("cannot be reached")
                .contains("Action:")
                .contains("twophase.participants.jdbc.bank-a.url");
    }

    @Test
    void theDrillSupervisorWithoutFaultInjectionIsRefusedNamingBothPropertiesAndTheProfile(CapturedOutput output) {
        assertThatThrownBy(() -> new SpringApplicationBuilder(BankTransferDemoApplication.class).listeners(new DrillSupervisor())
                .run("--twophase.data-dir=" + dataDir.toAbsolutePath(), "--twophase.drill.supervise=true").close())
                .isInstanceOf(Exception.class);

        assertThat(output).contains("APPLICATION FAILED TO START")
                .contains("twophase.drill.supervise=true restarts the application after a fault halts it")
                .contains("twophase.faults.enabled")
                .contains("--spring.profiles.active=drill");
    }

    @Test
    void aDrillSupervisorSettingThatIsNotABooleanIsRefusedWithItsValue(CapturedOutput output) {
        assertThatThrownBy(() -> new SpringApplicationBuilder(BankTransferDemoApplication.class).listeners(new DrillSupervisor())
                .run("--twophase.data-dir=" + dataDir.toAbsolutePath(), "--twophase.drill.supervise=maybe").close())
                .isInstanceOf(Exception.class);

        assertThat(output).contains("APPLICATION FAILED TO START")
                .contains("twophase.drill.supervise must be true or false, was 'maybe'");
    }

    private void start(String... args) {
        String[] all = new String[args.length + 3];
        all[0] = "--twophase.data-dir=" + dataDir.toAbsolutePath();
        all[1] = "--server.port=0";
        all[2] = "--twophase.coordinator.log-dir=" + dataDir.resolve("tx-log").toAbsolutePath();
        System.arraycopy(args, 0, all, 3, args.length);
        new SpringApplicationBuilder(BankTransferDemoApplication.class).run(all).close();
    }
}
