package dev.twophase.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.api.Test;

class TableTest {

    @Test
    void alignsColumnsUnderTheHeaderWithoutTrailingSpaces() {
        StringWriter text = new StringWriter();
        new Table("NAME", "OK", "NOTE").row("bank-a", true, null).row("b", false, "two\nlines").print(new PrintWriter(text, true));

        assertThat(text.toString().lines()).containsExactly(
                "NAME    OK   NOTE",
                "bank-a  yes  -",
                "b       no   two lines");
    }

    @Test
    void truncatesLongTextToEightyCharacters() {
        String longText = "x".repeat(200);

        assertThat(Table.truncate(longText)).hasSize(80).endsWith("...");
        assertThat(Table.truncate("short")).isEqualTo("short");
        assertThat(Table.truncate(null)).isNull();
    }

    @Test
    void aRowMustFillEveryColumn() {
        assertThatIllegalArgumentException().isThrownBy(() -> new Table("A", "B").row("only one"))
                .withMessageContaining("1 cells for 2 columns");
    }
}
