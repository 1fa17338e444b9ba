package dev.twophase.coordinator.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import javax.transaction.xa.XAResource;

import org.junit.jupiter.api.Test;

import dev.twophase.coordinator.recovery.FakeResourceManager.State;
import dev.twophase.coordinator.xa.PlainXid;
import dev.twophase.coordinator.xa.PreparedBranches;
import dev.twophase.coordinator.xa.XaResourceChain;
import dev.twophase.coordinator.xa.XaResourceLink;

/**
 * A branch that only the connection that prepared it can finish (MariaDB, while that connection lives):
 * recovery's own connection gets {@code XAER_NOTA}, and recovery finishes the branch through its owner.
 */
class BranchOwnerTest {

    private final XaResourceLink pass = (participant, next, vendor) -> next;
    private final XaResourceChain chain = new XaResourceChain(pass, pass, List.of());
    private final FakeResourceManager bankB = new FakeResourceManager("bank-b").likeMariaDb();

    @Test
    void aBranchOnlyItsOwnConnectionCanFinishIsRolledBackThroughIt() throws Exception {
        PlainXid x = PlainXid.of(0x41544F4D, "owner-test.1", "owner-test.1.b");
        prepareThrough(chain.decorate("bank-b", bankB.xaResource()), x);
        XAResource recovery = chain.decorate("bank-b", bankB.xaResource());

        assertThat(PreparedBranches.owner(x)).as("recorded at prepare").isNotNull();
        BranchResolver.Finished finished = BranchResolver.finish("bank-b", recovery, x, false);

        assertThat(finished.answer()).isEqualTo(BranchResolver.Answer.DONE);
        assertThat(bankB.state(x)).isEqualTo(State.ROLLED_BACK);
        assertThat(PreparedBranches.owner(x)).as("forgotten once finished").isNull();
    }

    @Test
    void withoutItsOwnerRecoveryOnlyGetsNota() throws Exception {
        PlainXid x = PlainXid.of(0x41544F4D, "owner-test.2", "owner-test.2.b");
        prepareThrough(bankB.xaResource(), x); // not through the chain: nobody recorded the owner

        BranchResolver.Finished finished = BranchResolver.finish("bank-b", chain.decorate("bank-b", bankB.xaResource()), x, true);

        assertThat(finished.answer()).isEqualTo(BranchResolver.Answer.ALREADY_DONE);
        assertThat(bankB.state(x)).as("what the fake does, as MariaDB").isEqualTo(State.PREPARED);
    }

    @Test
    void aBranchOfAResourceNotTiedToItsConnectionIsNotRecorded() throws Exception {
        // As PostgreSQL's: its driver would end the connection's current transaction to finish another branch.
        FakeResourceManager postgres = new FakeResourceManager("bank-a");
        PlainXid x = PlainXid.of(0x41544F4D, "owner-test.3", "owner-test.3.a");
        prepareThrough(chain.decorate("bank-a", postgres.xaResource()), x);

        assertThat(PreparedBranches.owner(x)).isNull();
    }

    private static void prepareThrough(XAResource resource, PlainXid x) throws Exception {
        resource.start(x, XAResource.TMNOFLAGS);
        resource.end(x, XAResource.TMSUCCESS);
        assertThat(resource.prepare(x)).isEqualTo(XAResource.XA_OK);
    }
}
