package dev.twophase.participants.artemis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BrokerAddressTest {

    @Test
    void namesHostAndPortOfATcpUrlWithoutItsParameters() {
        assertThat(BrokerAddress.describe("tcp://broker.example:61617?callTimeout=5000")).isEqualTo("broker.example:61617");
    }

    @Test
    void fillsInTheDefaultPortWhenTheUrlHasNone() {
        assertThat(BrokerAddress.describe("tcp://localhost")).isEqualTo("localhost:61616");
    }

    @Test
    void namesEveryServerOfAHaUrl() {
        assertThat(BrokerAddress.describe("(tcp://a:1,tcp://b:2?sslEnabled=false)?ha=true")).isEqualTo("a:1,b:2");
    }

    @Test
    void keepsAnInVmUrlAsItIs() {
        assertThat(BrokerAddress.describe("vm://0")).isEqualTo("vm://0");
    }

    @Test
    void saysSoWhenThereIsNoUrl() {
        assertThat(BrokerAddress.describe(" ")).isEqualTo("<no broker URL>");
    }

    @Test
    void findsAParameterTheUrlSetsRegardlessOfCase() {
        assertThat(BrokerAddress.setsParameter("tcp://h:1?reconnectAttempts=3&calltimeout=1", "callTimeout")).isTrue();
        assertThat(BrokerAddress.setsParameter("tcp://h:1?reconnectAttempts=3", "callTimeout")).isFalse();
        assertThat(BrokerAddress.setsParameter("tcp://h:1", "callTimeout")).isFalse();
    }
}
