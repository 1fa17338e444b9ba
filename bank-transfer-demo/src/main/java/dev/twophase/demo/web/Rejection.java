package dev.twophase.demo.web;

import org.springframework.http.HttpStatus;

/**
 * One kind of refusal: the HTTP status, the problem type {@code /problems/<slug>} and its title.
 * Each flow names its own as constants.
 *
 * @param status the HTTP status, 4xx
 * @param slug the last part of the problem type URI
 * @param title the problem's short, fixed title
 */
public record Rejection(HttpStatus status, String slug, String title) {
}
