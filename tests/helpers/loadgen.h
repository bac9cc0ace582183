/*
 * What the load generators of the tests (churn, rate-client) share: a
 * server that accepts and drains on one address, one connection closed by
 * the client first, and a monotonic clock in seconds.
 */
#ifndef TCPTUNE_TESTS_LOADGEN_H
#define TCPTUNE_TESTS_LOADGEN_H

#include <netinet/in.h>
#include <sys/types.h>

/* The program's name in lg_die()'s message. */
extern const char *lg_prog;

/* "PROG: WHAT: strerror(errno)" on stderr, exit status 1. */
void lg_die(const char *what);
/* CLOCK_MONOTONIC in seconds. */
double lg_now(void);
/* Sleeps until lg_now() reaches t (an absolute time: a late wake-up is
 * not carried over to the next one). */
void lg_sleep_until(double t);
/* A child that listens on addr and accepts and drains every connection;
 * it dies with the caller.  Its pid. */
pid_t lg_server(const struct sockaddr_in *addr);
/* One connection to addr, closed by us first, so our end holds its local
 * port in TIME_WAIT.  0, or the errno of connect(). */
int lg_connect_once(const struct sockaddr_in *addr);

#endif
