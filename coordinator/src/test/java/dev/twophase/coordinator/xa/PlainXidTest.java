package dev.twophase.coordinator.xa;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PlainXidTest {

    @Test
    void printsAnAtomikosBranchAsTextAndOtherBytesAsHex() {
        assertThat(PlainXid.of(4660, "demo-1.171800000000000001", "demo-1.7"))
                .hasToString("demo-1.171800000000000001/demo-1.7 (format 4660)");
        assertThat(new PlainXid(1, new byte[] {0x01, (byte) 0xff}, "b".getBytes()))
                .hasToString("0x01ff/b (format 1)");
    }

    @Test
    void copyOfIsANewObjectWithTheSameIdsAsDriversHandOutOnRecover() {
        PlainXid original = PlainXid.of(4660, "demo-1.171800000000000001", "demo-1.7");

        PlainXid copy = PlainXid.copyOf(original);

        assertThat(copy).isNotSameAs(original);
        assertThat(XidText.key(copy)).isEqualTo(XidText.key(original));
    }

    @Test
    void cannotBeChangedThroughTheArraysItWasMadeFromOrHandsOut() {
        byte[] gtrid = "demo-1.1".getBytes();
        PlainXid xid = new PlainXid(4660, gtrid, "demo-1.2".getBytes());

        gtrid[0] = 'X';
        xid.gtrid()[0] = 'X';
        xid.getBranchQualifier()[0] = 'X';

        assertThat(XidText.of(xid)).isEqualTo("demo-1.1:demo-1.2");
    }
}
