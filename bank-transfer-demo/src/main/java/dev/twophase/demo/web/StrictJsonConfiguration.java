package dev.twophase.demo.web;

import org.springframework.boot.autoconfigure.jackson.Jackson2ObjectMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;

/**
 * Request bodies are read as written: a value of the wrong JSON type is refused, never converted.
 * {@code spring.jackson.mapper.allow-coercion-of-scalars=false} (application.yml) stops "12" for a
 * number and 1 for a boolean, but Jackson still turns a number or a boolean into a string and a
 * number into an enum (by its index: {@code "bank":0} would be bank A). Also refused: a field sent
 * twice (which one counts would be the parser's choice) and anything after the body's object.
 */
@Configuration(proxyBeanMethods = false)
class StrictJsonConfiguration {

    @Bean
    Jackson2ObjectMapperBuilderCustomizer strictScalars() {
        return builder -> builder
                .featuresToEnable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS, DeserializationFeature.FAIL_ON_TRAILING_TOKENS,
                        JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .postConfigurer(mapper -> {
                    for (LogicalType type : new LogicalType[] { LogicalType.Textual, LogicalType.Enum }) {
                        mapper.coercionConfigFor(type)
                                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
                    }
                });
    }
}
