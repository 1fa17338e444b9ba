package dev.twophase.demo.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.twophase.demo.bank.AccountRef;
import dev.twophase.demo.bank.Bank;

class TransferRequestTest {

    static TransferRequest request(String from, String to, long cents, String key) {
        return new TransferRequest(new AccountRef(Bank.valueOf(from.substring(0, 1)), from),
                new AccountRef(Bank.valueOf(to.substring(0, 1)), to), cents, key);
    }

    @Test
    void fingerprintIgnoresTheKeyButNotWhatIsMoved() {
        TransferRequest base = request("A-0001", "B-0001", 100, "k1");

        assertThat(request("A-0001", "B-0001", 100, "k2").fingerprint()).isEqualTo(base.fingerprint());
        assertThat(request("A-0001", "B-0001", 101, "k1").fingerprint()).isNotEqualTo(base.fingerprint());
        assertThat(request("B-0001", "A-0001", 100, "k1").fingerprint()).isNotEqualTo(base.fingerprint());
        assertThat(request("A-0001", "B-0002", 100, "k1").fingerprint()).isNotEqualTo(base.fingerprint());
        assertThat(base.fingerprint()).hasSize(64);
    }

    @Test
    void keyPatternAcceptsPrintableAsciiWithoutSpaces() {
        assertThat("order-42:retry.1".matches(TransferRequest.KEY_PATTERN)).isTrue();
        assertThat("with space".matches(TransferRequest.KEY_PATTERN)).isFalse();
        assertThat("".matches(TransferRequest.KEY_PATTERN)).isFalse();
        assertThat("x".repeat(101).matches(TransferRequest.KEY_PATTERN)).isFalse();
        assertThat("clé".matches(TransferRequest.KEY_PATTERN)).isFalse();
    }
}
