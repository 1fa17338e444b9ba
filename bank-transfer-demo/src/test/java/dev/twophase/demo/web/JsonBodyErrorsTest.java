package dev.twophase.demo.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.http.converter.json.Jackson2ObjectMapperBuilder;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.twophase.demo.transfer.TransferRequest;

/**
 * The mapper configured as the application configures it (application.yml's Jackson settings plus
 * {@link StrictJsonConfiguration}) refuses what it must, and {@link JsonBodyErrors} says why in
 * the API's words: the field, its rule, no Java or Jackson text.
 */
class JsonBodyErrorsTest {

    private static final String OK = "{\"from\":{\"bank\":\"A\",\"account\":\"A-0001\"},\"to\":{\"bank\":\"B\",\"account\":\"B-0001\"},"
            + "\"amountCents\":10,\"idempotencyKey\":\"k-1\"}";

    private final ObjectMapper mapper = mapper();

    private static ObjectMapper mapper() {
        Jackson2ObjectMapperBuilder builder = new Jackson2ObjectMapperBuilder()
                .featuresToDisable(DeserializationFeature.ACCEPT_FLOAT_AS_INT, MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .featuresToEnable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        new StrictJsonConfiguration().strictScalars().customize(builder);
        return builder.build();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            account as a number      | "account":"A-0001"    | "account":1         | from.account must be a string of 1 to 32 letters
            account as a boolean     | "account":"A-0001"    | "account":true      | from.account must be a string of 1 to 32 letters
            bank as an enum index    | "bank":"A"            | "bank":0            | from.bank must be the string "A" or "B"
            unknown bank             | "bank":"A"            | "bank":"C"          | from.bank must be the string "A" or "B"
            key as a number          | "idempotencyKey":"k-1" | "idempotencyKey":7 | idempotencyKey must be a string of 1 to 100
            amount as a fraction     | "amountCents":10      | "amountCents":10.5  | amountCents must be a whole number of cents
            amount as text           | "amountCents":10      | "amountCents":"10"  | amountCents must be a whole number of cents
            amount beyond a long     | "amountCents":10      | "amountCents":99999999999999999999 | amountCents must be a whole number of cents
            unknown field            | "amountCents":10      | "amountCents":10,"memo":"x" | memo is not a field of this request; the fields are amountCents, from, idempotencyKey, mode, to
            a field twice            | "amountCents":10      | "amountCents":10,"amountCents":11 | The field amountCents appears more than once
            """)
    void refusesAndSaysWhyInTheApisWords(String name, String from, String to, String expected) {
        Throwable refused = catchThrowable(() -> mapper.readValue(OK.replace(from, to), TransferRequest.class));

        assertThat(refused).as(name).isNotNull();
        String detail = JsonBodyErrors.describe(refused, "/api/transfers");
        assertThat(detail).contains(expected).doesNotContainPattern("java\\.|dev\\.twophase|Jackson|Coercion|Exception|\\[Source");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            not JSON          | {"from":          | The body is not valid JSON (line 1, column
            an array          | []                | The body is not a JSON object. Send a JSON object, e.g. {"from"
            two objects       | {} {}             | The body must be exactly one JSON object, with nothing after it.
            """)
    void refusesABodyThatIsNotOneObject(String name, String body, String expected) {
        Throwable refused = catchThrowable(() -> mapper.readValue(body, TransferRequest.class));

        assertThat(JsonBodyErrors.describe(refused, "/api/transfers")).as(name).startsWith(expected);
    }
}
