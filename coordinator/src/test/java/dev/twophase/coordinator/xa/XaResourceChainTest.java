package dev.twophase.coordinator.xa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.util.ArrayList;
import java.util.List;

import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

import org.junit.jupiter.api.Test;
import org.mockito.Mockito;

/** The chain's order is fixed: guard, timers, then the inner links, then the vendor. */
class XaResourceChainTest {

    private final List<String> calls = new ArrayList<>();

    @Test
    void callsPassTheGuardThenTheTimersThenTheInnerLinksThenTheVendor() throws XAException {
        XAResource vendor = Mockito.mock(XAResource.class);
        List<XAResource> vendorsSeen = new ArrayList<>();
        XaResourceChain chain = new XaResourceChain(recording("guard", vendorsSeen), recording("timers", vendorsSeen),
                List.of(recording("faults", vendorsSeen), recording("custom", vendorsSeen)));

        XAResource decorated = chain.decorate("bank-a", vendor);
        decorated.prepare(null);

        assertThat(calls).containsExactly("guard bank-a", "timers bank-a", "faults bank-a", "custom bank-a");
        Mockito.verify(vendor).prepare(null);
        assertThat(vendorsSeen).as("every link can ask the vendor's own resource").containsOnly(vendor);
        assertThat(XaResourceChain.unwrap(decorated)).isSameAs(vendor);
    }

    @Test
    void theGuardAndTheTimersCannotBeLeftOut() {
        assertThatNullPointerException().isThrownBy(() -> new XaResourceChain(null, (p, n, v) -> n, List.of()))
                .withMessage("heuristicGuard");
        assertThatNullPointerException().isThrownBy(() -> new XaResourceChain((p, n, v) -> n, null, List.of()))
                .withMessage("phaseTimers");
    }

    @Test
    void aFactoryIsDecoratedOnceAndOnlyWithAParticipantName() {
        XaResourceChain chain = new XaResourceChain((p, n, v) -> n, (p, n, v) -> n, List.of());
        javax.sql.XADataSource vendor = Mockito.mock(javax.sql.XADataSource.class);
        javax.sql.XADataSource decorated = chain.wrap("bank-a", vendor);
        assertThat(XaResourceChain.unwrap(decorated)).isSameAs(vendor);
        assertThatIllegalArgumentException().isThrownBy(() -> chain.wrap("bank-a", decorated)).withMessageContaining("already decorated");
        assertThatIllegalArgumentException().isThrownBy(() -> chain.wrap(" ", vendor)).withMessageContaining("unique resource name");
    }

    private XaResourceLink recording(String name, List<XAResource> vendorsSeen) {
        return (participant, next, vendor) -> {
            vendorsSeen.add(vendor);
            return new DelegatingXAResource(next) {
                @Override
                public int prepare(Xid xid) throws XAException {
                    calls.add(name + " " + participant);
                    return super.prepare(xid);
                }
            };
        };
    }
}
