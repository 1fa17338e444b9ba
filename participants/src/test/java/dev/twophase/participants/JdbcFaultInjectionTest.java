package dev.twophase.participants;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import javax.sql.XAConnection;
import javax.sql.XADataSource;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.atomikos.jdbc.AtomikosDataSourceBean;

import dev.twophase.coordinator.fault.FaultInjector;
import dev.twophase.coordinator.xa.PlainXid;
import dev.twophase.coordinator.xa.XaResourceChain;

/** Every JDBC participant's XA data source is wrapped under the participant's name; checked on H2, a real XA driver. */
class JdbcFaultInjectionTest {

    private final FaultInjector injector = new FaultInjector();

    @AfterEach
    void disableTheJvmsInjector() {
        injector.disable();
    }

    @Test
    void beforePrepareVoteNoReachesNothingAndTheBranchRollsBack() throws Exception {
        AtomikosDataSourceBean bean = JdbcParticipants.dataSource(
                JdbcParticipantSettings.of("fault-bank", "jdbc:h2:mem:fault-bank;DB_CLOSE_DELAY=-1", "sa", ""), TestChains.withFaults(injector));
        XADataSource xaDataSource = bean.getXaDataSource();
        assertThat(XaResourceChain.unwrap(xaDataSource)).isInstanceOf(JdbcDataSource.class).isNotSameAs(xaDataSource);

        XAConnection connection = xaDataSource.getXAConnection();
        try {
            XAResource resource = connection.getXAResource();
            Xid xid = PlainXid.of(4660, "fault-bank.1", "fault-bank.1.1");
            resource.start(xid, XAResource.TMNOFLAGS);
            try (var statement = connection.getConnection().createStatement()) {
                statement.execute("CREATE TABLE IF NOT EXISTS t (id INT)");
                statement.execute("INSERT INTO t VALUES (1)");
            }
            resource.end(xid, XAResource.TMSUCCESS);
            injector.enable();
            injector.arm("fault-bank:BEFORE_PREPARE:FAIL(XA_RBROLLBACK)");

            assertThatExceptionOfType(XAException.class).isThrownBy(() -> resource.prepare(xid))
                    .satisfies(e -> assertThat(e.errorCode).isEqualTo(XAException.XA_RBROLLBACK));

            assertThat(resource.recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN)).as("never prepared").isEmpty();
            resource.rollback(xid);
            assertThat(injector.fired()).hasSize(1);
        } finally {
            connection.close();
        }
    }
}
