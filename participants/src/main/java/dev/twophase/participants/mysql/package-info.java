/**
 * MySQL 8 and MariaDB 10.5+ as XA participants through mysql-connector-j: the XA data source (pinned to its
 * physical connection), the preflight check of the server version and of the right to run {@code XA RECOVER}, and
 * the prepared branches that {@code XA RECOVER} lists.
 */
package dev.twophase.participants.mysql;
