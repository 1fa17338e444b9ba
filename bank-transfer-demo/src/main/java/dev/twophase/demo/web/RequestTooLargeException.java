package dev.twophase.demo.web;

import java.io.IOException;

/** A request body exceeded {@link RequestSizeLimitFilter#MAX_BYTES}; answered with 413. */
public class RequestTooLargeException extends IOException {

    private static final long serialVersionUID = 1L;

    RequestTooLargeException(long limit) {
        super("The request body exceeds " + limit + " bytes.");
    }
}
