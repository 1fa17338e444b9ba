package dev.twophase.demo.web;

/** A resource named in the URL does not exist; answered with 404. */
public class NotFoundException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public NotFoundException(String kind, String id) {
        super("No " + kind + " with id '" + id + "'.");
    }
}
