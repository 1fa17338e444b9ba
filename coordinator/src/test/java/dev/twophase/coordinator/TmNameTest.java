package dev.twophase.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class TmNameTest {

    @ParameterizedTest
    @ValueSource(strings = { "a", "7", "tm1", "orders-1", "bank-transfer-demo-2", "a-b-c", "abcdefghijklmnopqrstuvwxyz0123" })
    void acceptsLowerCaseLettersDigitsAndInnerHyphensUpToThirtyCharacters(String name) {
        assertThat(TmName.violation(name)).isNull();
        assertThat(TmName.of(name).value()).isEqualTo(name);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = { " ", "\t" })
    void rejectsAMissingNameBecauseAtomikosWouldFallBackToTheIpAddress(String name) {
        assertThatIllegalArgumentException().isThrownBy(() -> TmName.of(name)).withMessageContaining("is required");
    }

    @Test
    void rejectsANameLongerThanThirtyCharacters() {
        String tooLong = "abcdefghijklmnopqrstuvwxyz01234";
        assertThat(tooLong).hasSize(31);
        assertThatIllegalArgumentException().isThrownBy(() -> TmName.of(tooLong))
                .withMessageContaining("at most 30 characters").withMessageContaining("this one has 31");
    }

    @ParameterizedTest
    @ValueSource(strings = { "Orders", "tm_1", "tm.1", "tm1.", "-tm1", "tm1-", "-", "tm 1", "tm/1", "tm1\u00e9" })
    void rejectsCharactersThatCouldBreakPrefixFreedom(String name) {
        assertThatIllegalArgumentException().isThrownBy(() -> TmName.of(name))
                .withMessageContaining("only lower-case letters, digits and inner hyphens");
    }

    @Test
    void handsAtomikosTheNameWithTheTerminator() {
        assertThat(TmName.of("tm1").atomikosName()).isEqualTo("tm1.");
    }

    @Test
    void tm1DoesNotClaimTheBranchesOfTm10() {
        TmName tm1 = TmName.of("tm1");
        TmName tm10 = TmName.of("tm10");
        assertThat((tm10.atomikosName() + "123").startsWith(tm1.atomikosName())).isFalse();
        assertThat(tm1.owns(ascii(tm10.atomikosName() + "123"))).isFalse();
        assertThat(tm10.owns(ascii(tm1.atomikosName() + "123"))).isFalse();
    }

    @Test
    void noValidNameClaimsTheBranchesOfAnotherValidName() {
        // Every valid name up to six characters over a tiny alphabet: prefixes like a / a1 / a-1 / a-11 abound.
        List<String> names = new ArrayList<>();
        generate("", 6, names);
        assertThat(names).hasSize(486);

        List<String> collisions = new ArrayList<>();
        int plainPrefixPairs = 0;
        for (String a : names) {
            TmName tmA = TmName.of(a);
            for (String b : names) {
                if (a.equals(b)) {
                    continue;
                }
                if (b.startsWith(a)) {
                    plainPrefixPairs++;
                }
                String qualifierOfB = TmName.of(b).atomikosName() + "123";
                if (qualifierOfB.startsWith(tmA.atomikosName()) || tmA.owns(ascii(qualifierOfB))) {
                    collisions.add(a + " claims " + qualifierOfB);
                }
            }
        }
        assertThat(collisions).isEmpty();
        // Without the terminator these pairs would collide; make sure the sample really contains them.
        assertThat(plainPrefixPairs).isGreaterThan(1000);
    }

    @Test
    void ownsItsOwnBranchQualifiers() {
        TmName tm = TmName.of("orders-1");
        assertThat(tm.owns(ascii("orders-1.1718000000000123"))).isTrue();
        assertThat(tm.owns(ascii("orders-1"))).isFalse();
        assertThat(tm.owns(ascii("orders-10.1"))).isFalse();
        assertThat(tm.owns(ascii("other.1"))).isFalse();
        assertThat(tm.owns(new byte[0])).isFalse();
    }

    @Test
    void equalNamesAreEqual() {
        assertThat(TmName.of("tm1")).isEqualTo(TmName.of("tm1")).hasSameHashCodeAs(TmName.of("tm1"))
                .isNotEqualTo(TmName.of("tm10")).hasToString("tm1");
    }

    private static void generate(String prefix, int maxLength, List<String> out) {
        if (!prefix.isEmpty() && TmName.violation(prefix) == null) {
            out.add(prefix);
        }
        if (prefix.length() < maxLength) {
            for (char c : new char[] { 'a', '1', '-' }) {
                generate(prefix + c, maxLength, out);
            }
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
