package dev.twophase.coordinator.fault;

import static dev.twophase.coordinator.fault.Xids.xid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import javax.sql.XAConnection;
import javax.sql.XADataSource;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import jakarta.jms.XAConnectionFactory;
import jakarta.jms.XAJMSContext;

import dev.twophase.coordinator.fault.FakeParticipant.FakeXADataSource;
import dev.twophase.coordinator.fault.FakeParticipant.RecordingXAResource;
import dev.twophase.coordinator.fault.FakeParticipant.SelfResourceXAConnection;
import dev.twophase.coordinator.fault.FakeParticipant.VendorTuning;
import dev.twophase.coordinator.xa.XaResourceChain;
import dev.twophase.coordinator.xa.XaResourceLink;

/**
 * The wrappers, over in-test participants that record every call in one list; the injector's halt
 * records into the same list, so each test sees whether a fault acted before or after the call.
 */
class FaultInjectionTest {

    private static final XaResourceLink PASS = (participant, next, vendor) -> next;

    private final FakeParticipant participant = new FakeParticipant();
    private final FaultInjector injector = new FaultInjector(status -> participant.events.add("halt " + status));
    private final FakeXADataSource driver = participant.new FakeXADataSource();
    /** The chain with only the injector in it: the guard and the timers are tested on their own. */
    private final XaResourceChain chain = new XaResourceChain(PASS, PASS, List.of(injector));
    private final XADataSource wrapped = chain.wrap("bankA", driver);
    private final Xid xid = xid("tm-1.1");

    @Test
    void beforePrepareActsBeforeTheParticipantSeesTheCallAndAfterPrepareAfterIt() throws Exception {
        XAResource resource = resource();
        arm("bankA:BEFORE_PREPARE:HALT", "bankA:AFTER_PREPARE:HALT(2)");

        resource.prepare(xid);

        assertThat(participant.events).containsExactly("halt 99", "prepare", "halt 2");
    }

    @Test
    void commitPointsSurroundTheCommitForTwoPhaseAndOnePhase() throws Exception {
        XAResource resource = resource();
        arm("bankA:BEFORE_COMMIT:HALT(1):x2", "bankA:AFTER_COMMIT:HALT(2):x2");

        resource.commit(xid, false);
        resource.commit(xid, true);

        assertThat(participant.events).containsExactly(
                "halt 1", "commit onePhase=false", "halt 2",
                "halt 1", "commit onePhase=true", "halt 2");
    }

    @Test
    void beforeRollbackActsBeforeTheRollback() throws Exception {
        XAResource resource = resource();
        arm("bankA:BEFORE_ROLLBACK:HALT");

        resource.rollback(xid);

        assertThat(participant.events).containsExactly("halt 99", "rollback");
    }

    @Test
    void duringRecoverActsOnceAtTheStartOfEachScan() throws Exception {
        XAResource resource = resource();
        arm("bankA:DURING_RECOVER:HALT:always");

        resource.recover(XAResource.TMSTARTRSCAN);
        resource.recover(XAResource.TMNOFLAGS);
        resource.recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN);

        assertThat(participant.events).containsExactly(
                "halt 99", "recover " + XAResource.TMSTARTRSCAN,
                "recover " + XAResource.TMNOFLAGS,
                "halt 99", "recover " + (XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN));
        assertThat(injector.fired()).extracting(FiredFault::xid).containsOnlyNulls();
    }

    @Test
    void failBeforePrepareWithRollbackCodeIsAVoteNoThatTheParticipantNeverSees() throws Exception {
        XAResource resource = resource();
        arm("bankA:BEFORE_PREPARE:FAIL(XA_RBROLLBACK)");

        XAException e = catchThrowableOfType(XAException.class, () -> resource.prepare(xid));

        assertThat(e.errorCode).isEqualTo(XAException.XA_RBROLLBACK);
        assertThat(participant.events).isEmpty();
    }

    @Test
    void failAfterCommitThrowsAfterTheRealCommitHappened() throws Exception {
        XAResource resource = resource();
        arm("bankA:AFTER_COMMIT:FAIL(XAER_RMFAIL)");

        XAException e = catchThrowableOfType(XAException.class, () -> resource.commit(xid, false));

        assertThat(e.errorCode).isEqualTo(XAException.XAER_RMFAIL);
        assertThat(participant.events).containsExactly("commit onePhase=false");
    }

    @Test
    void afterPointsDoNotActWhenTheParticipantsCallFailed() throws Exception {
        XAResource resource = resource();
        XAException own = new XAException(XAException.XAER_NOTA);
        ((RecordingXAResource) XaResourceChain.unwrap(resource)).failure = own;
        arm("bankA:AFTER_PREPARE:HALT");

        assertThatExceptionOfType(XAException.class).isThrownBy(() -> resource.prepare(xid)).isSameAs(own);
        assertThat(participant.events).containsExactly("prepare");
        assertThat(injector.armed()).hasSize(1);
    }

    @Test
    void delayLetsTheCallThroughAfterTheWait() throws Exception {
        XAResource resource = resource();
        arm("bankA:BEFORE_COMMIT:DELAY(200ms)");

        long started = System.nanoTime();
        resource.commit(xid, false);

        assertThat((System.nanoTime() - started) / 1_000_000).isGreaterThanOrEqualTo(200);
        assertThat(participant.events).containsExactly("commit onePhase=false");
    }

    @Test
    void aRuleForAnotherParticipantLeavesThisOneAlone() throws Exception {
        XAResource resource = resource();
        arm("bankB:BEFORE_COMMIT:HALT");

        resource.commit(xid, false);

        assertThat(participant.events).containsExactly("commit onePhase=false");
    }

    @ParameterizedTest
    @EnumSource(Disarmed.class)
    void isTransparentWhileNothingIsArmed(Disarmed state) throws Exception {
        state.apply(injector);
        XAConnection connection = wrapped.getXAConnection();
        XAResource resource = connection.getXAResource();
        RecordingXAResource own = (RecordingXAResource) XaResourceChain.unwrap(resource);
        own.vote = XAResource.XA_RDONLY;
        own.recovered = new Xid[] { xid };

        resource.start(xid, XAResource.TMNOFLAGS);
        resource.end(xid, XAResource.TMSUCCESS);
        assertThat(resource.prepare(xid)).isEqualTo(XAResource.XA_RDONLY);
        resource.commit(xid, false);
        resource.commit(xid, true);
        resource.rollback(xid);
        resource.forget(xid);
        assertThat(resource.recover(XAResource.TMSTARTRSCAN)).isSameAs(own.recovered);
        assertThat(resource.getTransactionTimeout()).isEqualTo(42);
        assertThat(resource.setTransactionTimeout(5)).isTrue();
        connection.close();

        assertThat(participant.events).containsExactly("start", "end", "prepare", "commit onePhase=false", "commit onePhase=true",
                "rollback", "forget", "recover " + XAResource.TMSTARTRSCAN, "setTransactionTimeout 5", "close");
        XAException failure = new XAException(XAException.XAER_RMERR);
        own.failure = failure;
        assertThatExceptionOfType(XAException.class).isThrownBy(() -> resource.commit(xid, false)).isSameAs(failure);
        assertThatExceptionOfType(SQLException.class).isThrownBy(connection::getConnection)
                .satisfies(e -> assertThat(e.getSQLState()).isEqualTo("08001"));
        assertThat(injector.fired()).isEmpty();
    }

    enum Disarmed {
        DISABLED {
            @Override
            void apply(FaultInjector injector) {
            }
        },
        ENABLED_NOTHING_ARMED {
            @Override
            void apply(FaultInjector injector) {
                injector.enable();
            }
        },
        ARMED_THEN_DISARMED {
            @Override
            void apply(FaultInjector injector) {
                injector.enable();
                injector.arm("bankA:BEFORE_COMMIT:HALT");
                injector.disarm();
            }
        };

        abstract void apply(FaultInjector injector);
    }

    @Test
    void isSameRmComparesTheParticipantsOwnResources() throws Exception {
        XAConnection connection = wrapped.getXAConnection();
        XAResource resource = connection.getXAResource();
        XAResource other = wrapped.getXAConnection().getXAResource();

        // The fake compares by identity, as mysql-connector-j's SuspendableXAConnection does.
        assertThat(resource.isSameRM(resource)).isTrue();
        assertThat(resource.isSameRM(connection.getXAResource())).isTrue();
        assertThat(resource.isSameRM(XaResourceChain.unwrap(resource))).isTrue();
        assertThat(resource.isSameRM(other)).isFalse();
    }

    @Test
    void oneXaResourceOfTheParticipantHasOneWrapper() throws Exception {
        XAConnection connection = wrapped.getXAConnection();

        assertThat(connection.getXAResource()).isSameAs(connection.getXAResource());
        assertThat(XaResourceChain.unwrap(connection.getXAResource())).isSameAs(driver.connections.get(0).resource);
    }

    @Test
    void aConnectionThatIsItsOwnXaResourceCannotBeUsedToBypassTheInjector() throws Exception {
        SelfResourceXAConnection own = participant.new SelfResourceXAConnection();
        XADataSource selfResourceDriver = new FakeParticipant().new FakeXADataSource() {
            @Override
            public XAConnection getXAConnection() {
                return own;
            }
        };
        XAConnection connection = chain.wrap("bankA", selfResourceDriver).getXAConnection();
        arm("bankA:BEFORE_COMMIT:HALT:always");

        connection.getXAResource().commit(xid, false);
        ((XAResource) connection).commit(xid, false);

        assertThat(participant.events).containsExactly("halt 99", "commit onePhase=false", "halt 99", "commit onePhase=false");
        assertThat(connection.getXAResource()).isSameAs(connection.getXAResource());
        assertThat(((XAResource) connection).isSameRM(connection.getXAResource())).isTrue();
    }

    @Test
    void keepsTheVendorsInterfacesAndObjectMethods() throws Exception {
        assertThat(wrapped).isInstanceOf(VendorTuning.class).isNotInstanceOf(FakeXADataSource.class);
        assertThat(((VendorTuning) wrapped).tuning()).isEqualTo(7);
        assertThat(wrapped).isEqualTo(wrapped).hasSameHashCodeAs(driver).hasToString("XaResourceChain[bankA] " + driver);
        assertThat(XaResourceChain.unwrap(wrapped)).isSameAs(driver);
        assertThat(XaResourceChain.unwrap(driver)).isSameAs(driver);
        assertThat(XaResourceChain.unwrap(wrapped.getXAConnection())).isSameAs(driver.connections.get(0));
    }

    @Test
    void wrapsEveryWayFromAJmsFactoryToTheXaResource() throws Exception {
        RecordingXAResource jmsResource = participant.new RecordingXAResource();
        XAConnectionFactory factory = chain.wrap("broker", participant.jmsFactory(jmsResource));
        arm("broker:BEFORE_PREPARE:FAIL(XA_RBROLLBACK):always");

        List<XAResource> resources = new ArrayList<>();
        resources.add(factory.createXAConnection().createXASession().getXAResource());
        resources.add(factory.createXAConnection("u", "p").createXASession().getXAResource());
        XAJMSContext context = factory.createXAContext();
        resources.add(context.getXAResource());
        resources.add(factory.createXAContext("u", "p").getXAResource());

        for (XAResource resource : resources) {
            assertThat(XaResourceChain.unwrap(resource)).isSameAs(jmsResource);
            assertThatExceptionOfType(XAException.class).isThrownBy(() -> resource.prepare(xid))
                    .satisfies(e -> assertThat(e.errorCode).isEqualTo(XAException.XA_RBROLLBACK));
        }
        assertThat(participant.events).isEmpty();
        assertThatExceptionOfType(UnsupportedOperationException.class).as("other calls reach the vendor object")
                .isThrownBy(context::createProducer).withMessage("XAJMSContext.createProducer");
    }

    @Test
    void wrapsConnectionsMadeThroughTheJdbcBuilderToo() throws Exception {
        arm("bankA:BEFORE_COMMIT:HALT");

        wrapped.createXAConnectionBuilder().user("u").password("p").build().getXAResource().commit(xid, false);

        assertThat(participant.events).containsExactly("halt 99", "commit onePhase=false");
    }

    @Test
    void refusesToWrapTwiceOrWithoutAParticipantName() {
        assertThatIllegalArgumentException().isThrownBy(() -> chain.wrap("bankA", wrapped))
                .withMessageContaining("already decorated");
        assertThatIllegalArgumentException().isThrownBy(() -> chain.wrap(" ", driver))
                .withMessageContaining("unique resource name is required");
    }

    @Test
    void spansActsOnlyOnTransactionsWithBranchesOnEveryNamedParticipant() throws Exception {
        FakeParticipant other = new FakeParticipant();
        XAResource bankA = resource();
        XAResource bankB = chain.wrap("bankB", other.new FakeXADataSource()).getXAConnection().getXAResource();
        arm("bankA:BEFORE_COMMIT:HALT:always:spans=bankA+bankB");
        Xid onlyBankA = xid("tm-1.2");
        Xid both = xid("tm-1.3");

        bankA.start(onlyBankA, XAResource.TMNOFLAGS);
        bankA.end(onlyBankA, XAResource.TMSUCCESS);
        bankA.commit(onlyBankA, true);
        bankA.start(both, XAResource.TMNOFLAGS);
        bankB.start(both, XAResource.TMNOFLAGS);
        bankA.end(both, XAResource.TMSUCCESS);
        bankB.end(both, XAResource.TMSUCCESS);
        bankA.commit(both, false);

        assertThat(participant.events).filteredOn(e -> e.startsWith("commit") || e.startsWith("halt"))
                .containsExactly("commit onePhase=true", "halt 99", "commit onePhase=false");
        assertThat(injector.armed()).extracting(Fault::toString).containsExactly("bankA:BEFORE_COMMIT:HALT:always:spans=bankA+bankB");
    }

    @Test
    void spansStillSeesEveryBranchAfterAnotherParticipantCommittedItsOwn() throws Exception {
        FakeParticipant other = new FakeParticipant();
        XAResource bankA = resource();
        XAResource bankB = chain.wrap("bankB", other.new FakeXADataSource()).getXAConnection().getXAResource();
        arm("bankA:BEFORE_COMMIT:HALT:spans=bankA+bankB");
        Xid both = xid("tm-1.4");
        bankA.start(both, XAResource.TMNOFLAGS);
        bankB.start(both, XAResource.TMNOFLAGS);
        bankA.end(both, XAResource.TMSUCCESS);
        bankB.end(both, XAResource.TMSUCCESS);

        bankB.commit(both, false); // phase 2 reaches bank B first
        bankA.commit(both, false);

        assertThat(participant.events).filteredOn(e -> e.startsWith("commit") || e.startsWith("halt"))
                .containsExactly("halt 99", "commit onePhase=false");
    }

    @Test
    void aCallOnABranchThatHasEndedMatchesNoRule() throws Exception {
        // The logging last resource: its one-phase commit is the decision, and Atomikos still calls its
        // second-phase commit, which does nothing. Only the first is a commit of the protocol.
        FakeParticipant other = new FakeParticipant();
        XAResource bankA = resource();
        XAResource bankB = chain.wrap("bankB", other.new FakeXADataSource()).getXAConnection().getXAResource();
        arm("bankA:BEFORE_COMMIT:HALT:skip=1:spans=bankA+bankB");
        for (Xid tx : List.of(xid("tm-1.5"), xid("tm-1.6"))) {
            bankA.start(tx, XAResource.TMNOFLAGS);
            bankB.start(tx, XAResource.TMNOFLAGS);
            bankA.end(tx, XAResource.TMSUCCESS);
            bankB.end(tx, XAResource.TMSUCCESS);
            bankA.commit(tx, true); // the decision
            bankB.commit(tx, false);
            bankA.commit(tx, false); // the second phase of a branch that has ended
        }

        assertThat(participant.events).filteredOn(e -> e.startsWith("commit") || e.startsWith("halt"))
                .containsExactly("commit onePhase=true", "commit onePhase=false", "halt 99", "commit onePhase=true", "commit onePhase=false");
    }

    @Test
    void spansIsReadAndWrittenInTheRuleSyntax() {
        Fault fault = Fault.parse("bank-a:BEFORE_PREPARE:FAIL(XA_RBROLLBACK):spans=bank-a+bank-b+broker");
        assertThat(fault.spans()).containsExactly("bank-a", "bank-b", "broker");
        assertThat(Fault.parse(fault.toString())).isEqualTo(fault);
        assertThatIllegalArgumentException().isThrownBy(() -> Fault.parse("bank-a:BEFORE_PREPARE:HALT:spans=bank-a++broker"))
                .withMessageContaining("empty participant name");
    }

    private XAResource resource() throws SQLException {
        return wrapped.getXAConnection().getXAResource();
    }

    private void arm(String... rules) {
        injector.enable();
        for (String rule : rules) {
            injector.arm(rule);
        }
    }
}
