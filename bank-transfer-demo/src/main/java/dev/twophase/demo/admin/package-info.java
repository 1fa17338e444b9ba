/**
 * The web page's admin panel: the recovery console over HTTP (in-doubt branches, commit and
 * rollback by XID under the console's safety rules, audited as the logged-in user), and who may use
 * {@code /admin/**} (also the fault injector) and see health details: the console's {@code monitor}
 * and {@code operator} users. Uses the coordinator's console API only; the flows' API stays open.
 */
package dev.twophase.demo.admin;
