package dev.twophase.faults;

/** What became of one transaction on its participants. */
enum Outcome {
    /** Every branch committed. */
    COMMITTED,
    /** Every branch rolled back. */
    ROLLED_BACK,
    /** Some branches committed, others did not: atomicity is broken (or a heuristic outcome was reported). */
    MIXED;

    String label() {
        return name().toLowerCase().replace('_', ' ');
    }
}
