package dev.twophase.coordinator.recovery;

import java.util.function.Supplier;

import javax.transaction.xa.XAResource;

import com.atomikos.datasource.xa.XATransactionalResource;

/**
 * A participant registered with Atomikos the way {@code AtomikosDataSourceBean} registers one
 * ({@code Configuration.addResource}), over a {@link FakeResourceManager}.
 */
final class FakeAtomikosResource extends XATransactionalResource {

    private final Supplier<XAResource> connect;

    FakeAtomikosResource(String name, Supplier<XAResource> connect) {
        super(name);
        this.connect = connect;
    }

    @Override
    protected XAResource refreshXAConnection() {
        return connect.get();
    }
}
