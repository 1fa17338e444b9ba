/**
 * The like flow: a like or unlike writes the user's like row, the like record and the daily quota
 * in bank B, the article's count in bank A and the {@code likes} event, in one JTA transaction,
 * with its bank B locks always taken before its bank A lock and deadlocks inside bank B retried.
 * The day's quota row is created in a short transaction of its own before the like. Its REST API,
 * problems and the {@code twophase.likes.*} settings live here too.
 */
package dev.twophase.demo.likes;
