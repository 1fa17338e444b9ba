package dev.twophase.coordinator.xa;

/**
 * Implemented by a participant's own decoration of its vendor XA factory that sits under the XA
 * chain (e.g. the JDBC participants' validation window), so that {@link XaResourceChain#unwrap}
 * still reaches the vendor's object.
 */
public interface VendorWrapper {

    /** The object this one wraps. */
    Object vendor();
}
