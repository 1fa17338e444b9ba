package dev.twophase.demo.bank;

/** The two banks of the demo: A lives on PostgreSQL, B on MySQL (both on H2 in the embedded default). */
public enum Bank {
    A, B
}
