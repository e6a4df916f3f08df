/*
 * burst - N simultaneous HTTP/1.1 GETs, one per new connection, each timed from its own send
 * to the last byte of its answer. The load generator of bench/collapse.sh (a).
 *
 * Why not h2load: on a 2-core machine the client shares the cores with the proxy it measures.
 * h2load spends ~16-20 us of CPU per answer (its HTTP machinery, per-request bookkeeping, the
 * close of each connection), so the 1,000th answer of a burst waits ~20 ms for the CLIENT,
 * which is more than the 10 ms the target allows a proxy. This client does only what is
 * measured: connect all, send on writable, read until the answer is complete (Content-Length
 * or the last chunk), and closes sockets after the burst.
 *
 * Usage: burst HOST PORT PATH N LOGFILE
 * LOGFILE gets one line per request in h2load's --log-file format: start (us since the epoch),
 * status (-1: failed), duration (us). Exit status 0 when every request got an answer.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum { BUF = 16384 };

struct conn {
  int fd;
  int sent;
  int done;
  int status;
  long long start_real_us;
  long long start_ns, end_ns;
  size_t have;        /* bytes of the answer read so far (all of them, even past BUF) */
  long head_end;      /* offset just past the blank line, -1 until seen */
  long long need;     /* total answer bytes for Content-Length, -1 for chunked, -2 unknown */
  char buf[BUF];      /* the first BUF bytes (the head must fit) */
  char tail[5];       /* last 5 bytes read, for the chunked terminator */
};

static long long now_ns(clockid_t c) {
  struct timespec t;
  clock_gettime(c, &t);
  return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* Parses the head once the blank line is in buf: status, then Content-Length or chunked. */
static void parse_head(struct conn *c) {
  char *end = memmem(c->buf, c->have < BUF ? c->have : BUF, "\r\n\r\n", 4);
  if (end == NULL) {
    return;
  }
  c->head_end = end - c->buf + 4;
  c->status = (c->have > 12 && strncmp(c->buf, "HTTP/1.", 7) == 0) ? atoi(c->buf + 9) : -1;
  c->need = -2;
  for (char *line = strstr(c->buf, "\r\n") + 2; line < end; line = strstr(line, "\r\n") + 2) {
    if (strncasecmp(line, "content-length:", 15) == 0) {
      c->need = c->head_end + atoll(line + 15);
    } else if (strncasecmp(line, "transfer-encoding:", 18) == 0 && strcasestr(line, "chunked") != NULL) {
      c->need = -1;
    }
  }
  if (c->status == 204 || c->status == 304) {
    c->need = c->head_end;
  }
}

static int complete(const struct conn *c) {
  if (c->head_end < 0) {
    return 0;
  }
  if (c->need >= 0) {
    return (long long)c->have >= c->need;
  }
  if (c->need == -1) {
    return memcmp(c->tail, "0\r\n\r\n", 5) == 0;
  }
  return 0; /* no length: the answer ends when the server closes */
}

int main(int argc, char **argv) {
  if (argc != 6) {
    fprintf(stderr, "usage: burst HOST PORT PATH N LOGFILE\n");
    return 2;
  }
  const char *host = argv[1];
  int port = atoi(argv[2]);
  const char *path = argv[3];
  int n = atoi(argv[4]);
  char req[2048];
  int reqlen = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: %s:%d\r\nUser-Agent: corral-burst\r\nAccept: */*\r\n\r\n",
                        path, host, port);
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(port)};
  if (n <= 0 || reqlen >= (int)sizeof req || inet_pton(AF_INET, host, &addr.sin_addr) != 1) {
    fprintf(stderr, "burst: bad arguments\n");
    return 2;
  }
  struct conn *conns = calloc(n, sizeof *conns);
  int ep = epoll_create1(0);
  for (int i = 0; i < n; i++) {
    struct conn *c = &conns[i];
    c->head_end = -1;
    c->status = -1;
    c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    int one = 1;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (c->fd < 0 || (connect(c->fd, (struct sockaddr *)&addr, sizeof addr) < 0 && errno != EINPROGRESS)) {
      perror("burst: connect");
      return 1;
    }
    struct epoll_event ev = {.events = EPOLLOUT | EPOLLIN, .data.u32 = (unsigned)i};
    epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev);
  }
  int open = n;
  struct epoll_event events[1024];
  long long deadline = now_ns(CLOCK_MONOTONIC) + 60LL * 1000000000LL;
  while (open > 0 && now_ns(CLOCK_MONOTONIC) < deadline) {
    int k = epoll_wait(ep, events, 1024, 1000);
    for (int e = 0; e < k; e++) {
      struct conn *c = &conns[events[e].data.u32];
      if (c->done) {
        continue;
      }
      if (!c->sent && (events[e].events & EPOLLOUT)) {
        c->start_real_us = now_ns(CLOCK_REALTIME) / 1000;
        c->start_ns = now_ns(CLOCK_MONOTONIC);
        if (send(c->fd, req, reqlen, MSG_NOSIGNAL) != reqlen) {
          c->done = 1, c->status = -1, c->end_ns = now_ns(CLOCK_MONOTONIC), open--;
          continue;
        }
        c->sent = 1;
        struct epoll_event ev = {.events = EPOLLIN, .data.u32 = events[e].data.u32};
        epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
        continue;
      }
      for (;;) {
        char scratch[BUF];
        char *into = c->have < BUF ? c->buf + c->have : scratch;
        size_t room = c->have < BUF ? BUF - c->have - 1 : sizeof scratch;
        ssize_t r = recv(c->fd, into, room, 0);
        if (r > 0) {
          if (r >= 5) {
            memcpy(c->tail, into + r - 5, 5);
          } else {
            memmove(c->tail, c->tail + r, 5 - r);
            memcpy(c->tail + 5 - r, into, r);
          }
          c->have += r;
          if (c->have < BUF) {
            c->buf[c->have] = '\0';
          }
          if (c->head_end < 0) {
            parse_head(c);
          }
          if (complete(c)) {
            c->done = 1, c->end_ns = now_ns(CLOCK_MONOTONIC), open--;
            break;
          }
          continue;
        }
        if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
          break;
        }
        /* closed or failed: complete only if the answer had no length */
        if (c->head_end < 0 || c->need != -2) {
          c->status = -1;
        }
        c->done = 1, c->end_ns = now_ns(CLOCK_MONOTONIC), open--;
        break;
      }
    }
  }
  FILE *log = fopen(argv[5], "w");
  if (log == NULL) {
    perror("burst: log file");
    return 1;
  }
  int failed = 0;
  for (int i = 0; i < n; i++) {
    struct conn *c = &conns[i];
    if (!c->done || c->status < 0) {
      failed++;
      c->status = -1;
    }
    long long us = c->done && c->sent ? (c->end_ns - c->start_ns) / 1000 : 0;
    fprintf(log, "%lld\t%d\t%lld\n", c->start_real_us, c->status, us);
    close(c->fd);
  }
  fclose(log);
  if (failed) {
    fprintf(stderr, "burst: %d of %d requests failed or unanswered\n", failed, n);
  }
  return failed ? 1 : 0;
}
