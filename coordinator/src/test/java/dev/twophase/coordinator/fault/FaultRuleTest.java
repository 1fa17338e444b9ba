package dev.twophase.coordinator.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;

import javax.transaction.xa.XAException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FaultRuleTest {

    @Test
    void readsTheThreeKindsOfAction() {
        assertThat(Fault.parse("bankA:BEFORE_COMMIT:HALT"))
                .isEqualTo(Fault.of("bankA", CrashPoint.BEFORE_COMMIT, FaultAction.halt()));
        assertThat(Fault.parse("bankA:AFTER_COMMIT:HALT(3)").action()).isEqualTo(new FaultAction.Halt(3));
        assertThat(Fault.parse("bankB:BEFORE_PREPARE:FAIL(XA_RBROLLBACK)").action())
                .isEqualTo(new FaultAction.Fail(XAException.XA_RBROLLBACK));
        assertThat(Fault.parse("broker:AFTER_PREPARE:DELAY(2s)").action()).isEqualTo(FaultAction.delay(Duration.ofSeconds(2)));
    }

    @Test
    void readsDurationsWithAUnitOrInIsoForm() {
        assertThat(delayOf("DELAY(500ms)")).isEqualTo(Duration.ofMillis(500));
        assertThat(delayOf("DELAY(2s)")).isEqualTo(Duration.ofSeconds(2));
        assertThat(delayOf("DELAY(1m)")).isEqualTo(Duration.ofMinutes(1));
        assertThat(delayOf("DELAY(PT1.5S)")).isEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void readsCountAlwaysAndSkipInEitherOrder() {
        Fault counted = Fault.parse("bankB:BEFORE_PREPARE:FAIL(XAER_RMFAIL):x3:skip=2");
        assertThat(counted.times()).isEqualTo(3);
        assertThat(counted.skip()).isEqualTo(2);
        assertThat(Fault.parse("bankB:BEFORE_PREPARE:FAIL(XAER_RMFAIL):skip=2:x3")).isEqualTo(counted);

        Fault always = Fault.parse("broker:DURING_RECOVER:DELAY(1s):always");
        assertThat(always.isAlways()).isTrue();
        assertThat(always.times()).isEqualTo(Fault.ALWAYS);

        Fault defaults = Fault.parse("bankA:BEFORE_ROLLBACK:HALT");
        assertThat(defaults.times()).isEqualTo(1);
        assertThat(defaults.skip()).isZero();
    }

    @Test
    void acceptsAnyCaseForPointActionAndModifiersButKeepsTheParticipantsCase() {
        Fault fault = Fault.parse(" BankA : before_commit : fail(xaer_rmfail) : X2 : Skip = 1 ");

        assertThat(fault).isEqualTo(Fault.of("BankA", CrashPoint.BEFORE_COMMIT, FaultAction.fail("XAER_RMFAIL")).withTimes(2).withSkip(1));
    }

    @ParameterizedTest
    @ValueSource(strings = { "bankA:BEFORE_COMMIT:HALT", "bankA:AFTER_COMMIT:HALT(3)", "bankB:BEFORE_PREPARE:FAIL(XA_RBROLLBACK)",
            "broker:AFTER_PREPARE:DELAY(2s):always:skip=1", "bankB:BEFORE_COMMIT:FAIL(XAER_RMFAIL):x2:skip=1",
            "broker:DURING_RECOVER:DELAY(250ms)" })
    void printsRulesInTheSyntaxItReads(String rule) {
        assertThat(Fault.parse(rule)).hasToString(rule);
    }

    @Test
    void knowsTheXaErrorCodesByName() {
        assertThat(FaultAction.fail("XAER_RMFAIL").errorCode()).isEqualTo(XAException.XAER_RMFAIL);
        assertThat(FaultAction.fail("XAER_RMERR").errorCode()).isEqualTo(XAException.XAER_RMERR);
        assertThat(FaultAction.fail("XAER_NOTA").errorCode()).isEqualTo(XAException.XAER_NOTA);
        assertThat(FaultAction.fail("XA_HEURHAZ").errorCode()).isEqualTo(XAException.XA_HEURHAZ);
        assertThat(FaultAction.fail("XA_HEURMIX").errorCode()).isEqualTo(XAException.XA_HEURMIX);
        assertThat(new FaultAction.Fail(XAException.XA_RBBASE)).hasToString("FAIL(XA_RBROLLBACK)");
    }

    @Test
    void refusesARuleWithTooFewPartsShowingTheSyntax() {
        assertThatIllegalArgumentException().isThrownBy(() -> Fault.parse("bankA:BEFORE_COMMIT"))
                .withMessageContaining("fault rule 'bankA:BEFORE_COMMIT'")
                .withMessageContaining("<participant>:<crash point>:<action>")
                .withMessageContaining("e.g. bankA:BEFORE_COMMIT:HALT");
        assertThatIllegalArgumentException().isThrownBy(() -> Fault.parse("  ")).withMessageContaining("empty");
        assertThatIllegalArgumentException().isThrownBy(() -> Fault.parse(":BEFORE_COMMIT:HALT"))
                .withMessageContaining("participant name is missing");
    }

    @Test
    void refusesAnUnknownCrashPointListingTheKnownOnes() {
        assertThatIllegalArgumentException().isThrownBy(() -> Fault.parse("bankA:BEFORE_COMIT:HALT"))
                .withMessageContaining("fault rule 'bankA:BEFORE_COMIT:HALT'")
                .withMessageContaining("unknown crash point 'BEFORE_COMIT'")
                .withMessageContaining("BEFORE_PREPARE, AFTER_PREPARE, BEFORE_COMMIT, AFTER_COMMIT, BEFORE_ROLLBACK, DURING_RECOVER");
    }

    @Test
    void refusesBadActionsSayingWhatIsExpected() {
        assertThat(parseError("bankA:BEFORE_COMMIT:KILL")).contains("unknown action 'KILL'").contains("HALT, HALT(<exit status>), FAIL(");
        assertThat(parseError("bankA:BEFORE_COMMIT:FAIL")).contains("FAIL needs an XAException error code, e.g. FAIL(XAER_RMFAIL)");
        assertThat(parseError("bankA:BEFORE_COMMIT:FAIL(XAER_RMFAL)"))
                .contains("unknown XAException error code 'XAER_RMFAL'").contains("XAER_RMFAIL, XAER_DUPID");
        assertThat(parseError("bankA:BEFORE_COMMIT:FAIL(XA_RDONLY)")).contains("unknown XAException error code 'XA_RDONLY'");
        assertThat(parseError("bankA:BEFORE_COMMIT:DELAY(2)")).contains("'2' is not a duration; write it with a unit, e.g. 500ms, 2s");
        assertThat(parseError("bankA:BEFORE_COMMIT:DELAY(0s)")).contains("DELAY needs a positive duration");
        assertThat(parseError("bankA:BEFORE_COMMIT:DELAY")).contains("DELAY needs a duration, e.g. DELAY(2s)");
        assertThat(parseError("bankA:BEFORE_COMMIT:HALT(0)")).contains("exit status must be 1 to 255");
        assertThat(parseError("bankA:BEFORE_COMMIT:HALT(x)")).contains("HALT(x) needs an exit status from 1 to 255");
        assertThat(parseError("bankA:BEFORE_COMMIT:HALT(3")).contains("'HALT(3' is not an action");
    }

    @Test
    void refusesBadModifiers() {
        assertThat(parseError("bankA:BEFORE_COMMIT:HALT:twice")).contains("unknown modifier 'twice'")
                .contains("x<N> (act on N calls), always (act on every call), skip=<N>");
        assertThat(parseError("bankA:BEFORE_COMMIT:HALT:x0")).contains("times must be at least 1");
        assertThat(parseError("bankA:BEFORE_COMMIT:HALT:x2:always")).contains("'always' repeats the count");
        assertThat(parseError("bankA:BEFORE_COMMIT:HALT:skip=1:skip=2")).contains("skip is given twice");
        assertThat(parseError("bankA:BEFORE_COMMIT:HALT:skip=-1")).contains("unknown modifier 'skip=-1'");
    }

    @Test
    void refusesBadValuesWhenBuiltInCode() {
        assertThatIllegalArgumentException().isThrownBy(() -> Fault.of(" ", CrashPoint.BEFORE_COMMIT, FaultAction.halt()))
                .withMessageContaining("unique resource name");
        assertThatIllegalArgumentException().isThrownBy(() -> Fault.of("a:b", CrashPoint.BEFORE_COMMIT, FaultAction.halt()))
                .withMessageContaining("must not contain ':'");
        assertThatIllegalArgumentException().isThrownBy(() -> Fault.of("bankA", CrashPoint.BEFORE_COMMIT, FaultAction.halt()).withSkip(-1))
                .withMessageContaining("skip must be 0 or more");
        assertThatIllegalArgumentException().isThrownBy(() -> new FaultAction.Fail(12345))
                .withMessageContaining("12345 is not one a fault can throw");
    }

    private static Duration delayOf(String action) {
        return ((FaultAction.Delay) FaultAction.parse(action)).duration();
    }

    private static String parseError(String rule) {
        try {
            Fault.parse(rule);
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).startsWith("fault rule '" + rule + "': ");
            return e.getMessage();
        }
        throw new AssertionError("rule '" + rule + "' was accepted");
    }
}
