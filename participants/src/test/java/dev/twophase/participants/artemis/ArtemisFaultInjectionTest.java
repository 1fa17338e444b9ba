package dev.twophase.participants.artemis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

import org.apache.activemq.artemis.jms.client.ActiveMQXAConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.atomikos.jms.AtomikosConnectionFactoryBean;

import jakarta.jms.XAConnection;
import jakarta.jms.XAConnectionFactory;
import jakarta.jms.XAQueueConnectionFactory;
import jakarta.jms.XASession;

import dev.twophase.coordinator.fault.FaultInjector;
import dev.twophase.coordinator.xa.PlainXid;
import dev.twophase.coordinator.xa.XaResourceChain;
import dev.twophase.participants.TestChains;

/** The broker participant's factory is wrapped, and the wrapper reaches a real Artemis broker's XA branch. */
class ArtemisFaultInjectionTest {

    private final FaultInjector injector = new FaultInjector();

    @AfterEach
    void disableTheJvmsInjector() {
        injector.disable();
    }

    @Test
    void wrapsTheArtemisFactoryKeepingItsInterfaces() {
        AtomikosConnectionFactoryBean bean = ArtemisParticipant.connectionFactory(
                ArtemisParticipantSettings.of("broker", "tcp://127.0.0.1:61616", null, null, 1), TestChains.withFaults(injector));

        XAConnectionFactory factory = bean.getXaConnectionFactory();
        assertThat(XaResourceChain.unwrap(factory)).isInstanceOf(ActiveMQXAConnectionFactory.class).isNotSameAs(factory);
        assertThat(factory).isInstanceOf(XAQueueConnectionFactory.class).isInstanceOf(AutoCloseable.class);
    }

    @Test
    void afterPrepareFailsOnlyAfterTheBrokerPreparedTheBranch(@TempDir Path dataDir) throws Exception {
        try (ArtemisBroker broker = ArtemisBroker.start(dataDir, 41, "127.0.0.1", 0)) {
            AtomikosConnectionFactoryBean bean = ArtemisParticipant.connectionFactory(
                    ArtemisParticipantSettings.of("fault-broker", broker.inVmUrl(), null, null, 1), TestChains.withFaults(injector));
            try (XAConnection connection = bean.getXaConnectionFactory().createXAConnection();
                    XASession session = connection.createXASession()) {
                XAResource resource = session.getXAResource();
                assertThat(resource.isSameRM(resource)).as("Artemis compares its own session types; the wrapper must unwrap").isTrue();
                Xid xid = PlainXid.of(4660, "fault-test.1", "fault-test.1.1");
                resource.start(xid, XAResource.TMNOFLAGS);
                session.getSession().createProducer(session.getSession().createQueue("fault-test"))
                        .send(session.getSession().createTextMessage("prepared, then rolled back"));
                resource.end(xid, XAResource.TMSUCCESS);
                injector.enable();
                injector.arm("fault-broker:AFTER_PREPARE:FAIL(XAER_RMFAIL)");

                assertThatExceptionOfType(XAException.class).isThrownBy(() -> resource.prepare(xid))
                        .satisfies(e -> assertThat(e.errorCode).isEqualTo(XAException.XAER_RMFAIL));

                Xid[] prepared = resource.recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN);
                assertThat(prepared).extracting(x -> new String(x.getGlobalTransactionId(), StandardCharsets.US_ASCII))
                        .containsExactly("fault-test.1");
                resource.rollback(xid);
                assertThat(resource.recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN)).isEmpty();
                assertThat(injector.fired()).last().satisfies(f -> assertThat(f.xid()).startsWith("fault-test.1/fault-test.1.1"));
            }
        }
    }
}
