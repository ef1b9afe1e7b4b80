/*
 * tunebench-trial-host: one training process under a pseudo-terminal, owned by a process that
 * is not the workbench (tmux's idea at the size of one trial).
 *
 *   tunebench-trial-host DIR SEGMENT_BYTES KEEP_SEGMENTS COLS ROWS GRACE_MS -- PROGRAM ARG...
 *
 * Why a host, and why in C:
 * - node-pty reports a child's exit and then destroys its socket after 200 ms, read or not
 *   (DESTROY_SOCKET_TIMEOUT_MS; node-pty issues #72 and #726): an engine busy parsing for that
 *   long lost the last lines of a trial, the final evaluation. Here the master side is read
 *   until the kernel says EIO (every slave fd closed and the buffer empty), so the output is
 *   complete by construction, never because a timer fired.
 * - The host is started in its own session (the engine spawns it detached), so an engine that
 *   crashes, is killed or is upgraded does not take the training with it: the host keeps
 *   reading, the log keeps growing, and a new engine re-attaches by following the log.
 * - A few hundred lines of C with no dependencies start in a millisecond and cannot be broken
 *   by the Node or Electron version the workbench runs on.
 *
 * Files in DIR (the engine reads them; see main/engine/runner/trialLog.ts and trialHost.ts):
 *   output-N.log  the raw bytes, in segments of exactly SEGMENT_BYTES (segment N holds global
 *                 bytes [N*S, (N+1)*S)), so a byte offset names a file and a position; only the
 *                 last KEEP_SEGMENTS are kept, which caps the disk a chatty run can fill.
 *   output-N.times  when the bytes were read: records of two little-endian int64s, (global offset
 *                 just past a read, Unix time in microseconds), one per read but at most one per
 *                 TIMES_US (a later record then covers the reads before it), in the file of the
 *                 segment its offset ends in, deleted with that segment. Points get the time their
 *                 line was printed, even when the engine reads them later (a restart, a catch-up).
 *   host.json     {"hostPid":..,"childPid":..,"segmentBytes":..} once the child exists.
 *   exit.json     created at start as spaces (so it needs no new disk block at the end, when
 *                 the disk may be full), overwritten with the exit status once the output is
 *                 drained: {"exitCode":0,"signal":null,"stopped":false,"bytes":N,"error":null}.
 *
 * Exit status: the training's (128 + the signal where a signal ended it), once exit.json is
 * written, so a scheduler that runs the host (Slurm) records the training's end; a status
 * without an exit record means the host itself failed.
 *
 * Signals: SIGTERM or SIGINT to the host means Stop: the child's process group gets SIGTERM,
 * then SIGKILL after GRACE_MS, and the host goes on draining. SIGHUP is ignored (the host has no
 * terminal of its own; nothing should end it but the trial's end or Stop).
 *
 * Values never pass through a shell: PROGRAM and its arguments go to execvp as they are.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#if defined(__APPLE__)
#include <util.h>
#else
#include <pty.h>
#endif

/* After the child has exited, how long processes it left behind may keep the terminal open
 * before the whole group is killed (a data-loader worker that ignored SIGHUP). Nothing the
 * script printed is lost by this: reading never stops before EIO. */
#define LINGER_MS 10000
/* After that kill, how long to wait for the last holder of the terminal before giving up. */
#define LINGER_KILL_MS 5000
/* Time records are at most this close while output flows: a batch-size probe times steps of a
 * fraction of a millisecond, and 1 ms bounds the index to 1,000 records (16 KB) a second. */
#define TIMES_US 1000

static volatile sig_atomic_t stop_requested = 0;

static void on_stop(int sig) {
  (void)sig;
  stop_requested = 1;
}

static int64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static const char *dir;
static long long segment_bytes;
static long keep_segments;
static long long total_bytes = 0;
static int log_fd = -1;
static long long log_segment = -1;
static int times_fd = -1;
static long long times_segment = -1;
/* The read not yet recorded in the time index: its end offset and when it was read. */
static long long pending_off = -1;
static int64_t pending_us = 0, last_record_us = 0;
/* The first write error (a full disk): the trial is stopped and the error reported. */
static char write_error[256] = "";

static void path_in_dir(char *out, size_t size, const char *name) { snprintf(out, size, "%s/%s", dir, name); }

static void segment_path(char *out, size_t size, long long n) {
  char name[64];
  snprintf(name, sizeof name, "output-%lld.log", n);
  path_in_dir(out, size, name);
}

static void times_path(char *out, size_t size, long long n) {
  char name[64];
  snprintf(name, sizeof name, "output-%lld.times", n);
  path_in_dir(out, size, name);
}

static int64_t wall_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Writes a small file atomically (temporary name, then rename), so a reader never sees half. */
static int write_atomic(const char *name, const char *text) {
  char tmp[PATH_MAX], final[PATH_MAX];
  char tmpname[128];
  snprintf(tmpname, sizeof tmpname, ".%s.tmp", name);
  path_in_dir(tmp, sizeof tmp, tmpname);
  path_in_dir(final, sizeof final, name);
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return -1;
  size_t len = strlen(text), off = 0;
  while (off < len) {
    ssize_t w = write(fd, text + off, len - off);
    if (w < 0) {
      if (errno == EINTR) continue;
      close(fd);
      unlink(tmp);
      return -1;
    }
    off += (size_t)w;
  }
  close(fd);
  return rename(tmp, final);
}

static void record_write_error(const char *what, int err) {
  if (write_error[0]) return;
  snprintf(write_error, sizeof write_error, "%s: %s (errno %d)", what, strerror(err), err);
}

/* The oldest segment not yet deleted. */
static long long oldest_segment = 0;

/* The offset the engine has read to, from `read.offset` (it writes it as it checkpoints), or -1. */
static long long engine_offset(void) {
  char path[PATH_MAX], text[32];
  path_in_dir(path, sizeof path, "read.offset");
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  ssize_t n = read(fd, text, sizeof text - 1);
  close(fd);
  if (n <= 0) return -1;
  text[n] = 0;
  return atoll(text);
}

/* Deletes old segments once a new one (`current`) starts: beyond the last KEEP_SEGMENTS, a
 * segment goes once the engine has read it, and in any case beyond UNREAD_SEGMENTS (the disk a
 * run may fill while nobody reads it: a workbench closed over a weekend loses nothing below it). */
#define UNREAD_SEGMENTS 16
static void drop_old_segments(long long current) {
  long long read_to = engine_offset();
  char path[PATH_MAX];
  while (oldest_segment <= current - keep_segments) {
    int unread = read_to < (oldest_segment + 1) * segment_bytes;
    if (unread && current - oldest_segment < UNREAD_SEGMENTS) break;
    segment_path(path, sizeof path, oldest_segment);
    unlink(path);
    times_path(path, sizeof path, oldest_segment);
    unlink(path);
    oldest_segment++;
  }
}

static void log_write(const char *buf, size_t len);

/* Appends bytes to the log, starting a new segment at each SEGMENT_BYTES boundary. */
static void log_write(const char *buf, size_t len) {
  while (len > 0 && !write_error[0]) {
    long long seg = total_bytes / segment_bytes;
    if (seg != log_segment) {
      if (log_fd >= 0) close(log_fd);
      char path[PATH_MAX];
      segment_path(path, sizeof path, seg);
      log_fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
      if (log_fd < 0) {
        record_write_error("opening the output log", errno);
        return;
      }
      log_segment = seg;
      drop_old_segments(seg);
    }
    long long room = (seg + 1) * segment_bytes - total_bytes;
    size_t n = len < (size_t)room ? len : (size_t)room;
    ssize_t w = write(log_fd, buf, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      record_write_error("writing the output log", errno);
      return;
    }
    buf += w;
    len -= (size_t)w;
    total_bytes += w;
  }
}

/* Writes the pending time record, in the file of the segment its offset ends in. A failure only
 * costs precision (the engine falls back to when it read the bytes), so it is not an error. */
static void flush_time_record(void) {
  if (pending_off <= 0) return;
  long long seg = (pending_off - 1) / segment_bytes;
  if (seg != times_segment) {
    if (times_fd >= 0) close(times_fd);
    char path[PATH_MAX];
    times_path(path, sizeof path, seg);
    times_fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    times_segment = seg;
  }
  if (times_fd >= 0) {
    int64_t rec[2] = {(int64_t)pending_off, pending_us};
    if (write(times_fd, rec, sizeof rec) != (ssize_t)sizeof rec) {
      /* see above */
    }
  }
  last_record_us = pending_us;
  pending_off = -1;
}

static const char *signal_name(int sig) {
  switch (sig) {
    case SIGHUP: return "SIGHUP";
    case SIGINT: return "SIGINT";
    case SIGQUIT: return "SIGQUIT";
    case SIGILL: return "SIGILL";
    case SIGABRT: return "SIGABRT";
    case SIGBUS: return "SIGBUS";
    case SIGFPE: return "SIGFPE";
    case SIGKILL: return "SIGKILL";
    case SIGSEGV: return "SIGSEGV";
    case SIGPIPE: return "SIGPIPE";
    case SIGTERM: return "SIGTERM";
    case SIGXCPU: return "SIGXCPU";
    default: return NULL;
  }
}

/* JSON string body for an error text: only printable ASCII reaches it (strerror is ASCII). */
static void json_escape(char *out, size_t size, const char *in) {
  size_t o = 0;
  for (; *in && o + 2 < size; in++) {
    unsigned char c = (unsigned char)*in;
    if (c == '"' || c == '\\') {
      out[o++] = '\\';
      out[o++] = (char)c;
    } else if (c >= 0x20 && c < 0x7f) {
      out[o++] = (char)c;
    }
  }
  out[o] = 0;
}

/* A process's start time in clock ticks since boot (/proc/PID/stat field 22), or 0 where there
 * is no /proc: with the pid it names the process for good, so nobody signals a stranger that
 * was given a dead trial's pid (after a reboot, low pids come round again). */
static unsigned long long start_time(pid_t pid) {
  char path[64], buf[1024];
  snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0) return 0;
  buf[n] = 0;
  char *p = strrchr(buf, ')');
  if (!p) return 0;
  /* After ") " come fields 3, 4, ...: the start time is field 22, the 20th from there. */
  int field = 3;
  for (p += 2; *p && field < 22; p++)
    if (*p == ' ') field++;
  return strtoull(p, NULL, 10);
}

static int usage(void) {
  fprintf(stderr, "usage: tunebench-trial-host DIR SEGMENT_BYTES KEEP_SEGMENTS COLS ROWS GRACE_MS -- PROGRAM [ARG...]\n");
  return 2;
}

int main(int argc, char **argv) {
  if (argc < 9 || strcmp(argv[7], "--") != 0) return usage();
  dir = argv[1];
  segment_bytes = atoll(argv[2]);
  keep_segments = atol(argv[3]);
  int cols = atoi(argv[4]), rows = atoi(argv[5]);
  long grace_ms = atol(argv[6]);
  if (segment_bytes <= 0 || keep_segments <= 0 || cols <= 0 || rows <= 0 || grace_ms < 0) return usage();

  /* The exit record's blocks are taken now, while there is room (see the header). */
  char exit_path[PATH_MAX];
  path_in_dir(exit_path, sizeof exit_path, "exit.json");
  int exit_fd = open(exit_path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (exit_fd < 0) {
    fprintf(stderr, "tunebench-trial-host: cannot create %s: %s\n", exit_path, strerror(errno));
    return 3;
  }
  char blank[1024];
  memset(blank, ' ', sizeof blank);
  if (write(exit_fd, blank, sizeof blank) != (ssize_t)sizeof blank) {
    fprintf(stderr, "tunebench-trial-host: cannot write %s: %s\n", exit_path, strerror(errno));
    return 3;
  }

  struct winsize ws;
  memset(&ws, 0, sizeof ws);
  ws.ws_col = (unsigned short)cols;
  ws.ws_row = (unsigned short)rows;
  int master = -1;
  pid_t child = forkpty(&master, NULL, NULL, &ws);
  if (child < 0) {
    fprintf(stderr, "tunebench-trial-host: forkpty: %s\n", strerror(errno));
    return 3;
  }
  if (child == 0) {
    /* The script starts with the dispositions a terminal would give it, not the host's. */
    signal(SIGHUP, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGPIPE, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    execvp(argv[8], &argv[8]);
    fprintf(stderr, "tunebench-trial-host: cannot run %s: %s\n", argv[8], strerror(errno));
    _exit(127);
  }
  fcntl(master, F_SETFD, FD_CLOEXEC);

  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_stop;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  signal(SIGHUP, SIG_IGN);
  signal(SIGPIPE, SIG_IGN);

  char info[256];
  snprintf(info, sizeof info, "{\"hostPid\":%d,\"childPid\":%d,\"hostStart\":%llu,\"childStart\":%llu,\"segmentBytes\":%lld,\"keepSegments\":%ld}\n",
           (int)getpid(), (int)child, start_time(getpid()), start_time(child), segment_bytes, keep_segments);
  if (write_atomic("host.json", info) != 0) record_write_error("writing host.json", errno);

  static char buf[65536];
  int reaped = 0, status = 0, stopped = 0, write_stop = 0, drained = 0;
  int64_t kill_at = -1, reaped_at = -1, linger_killed_at = -1;
  for (;;) {
    if (stop_requested && !stopped) {
      stopped = 1;
      if (!reaped) kill(-child, SIGTERM);
      if (kill_at == -1) kill_at = now_ms() + grace_ms;
    }
    /* A full disk: the trial cannot be recorded, so it is stopped like a Stop, and said why. */
    if (write_error[0] && !write_stop) {
      write_stop = 1;
      if (!reaped) kill(-child, SIGTERM);
      if (kill_at == -1) kill_at = now_ms() + grace_ms;
    }
    int64_t t = now_ms();
    if (kill_at >= 0 && t >= kill_at) {
      kill(-child, SIGKILL);
      kill_at = -2;
    }
    if (!reaped) {
      pid_t r = waitpid(child, &status, WNOHANG);
      if (r == child) {
        reaped = 1;
        reaped_at = t;
      }
    }
    /* Drained, and the child is gone: done. Drained but the child lives on with its terminal
     * closed: keep waiting for it (and for Stop) without reading. */
    if (drained) {
      if (reaped) break;
      poll(NULL, 0, 50);
      continue;
    }
    if (reaped && linger_killed_at < 0 && t - reaped_at >= LINGER_MS) {
      kill(-child, SIGKILL);
      linger_killed_at = t;
    }
    if (linger_killed_at >= 0 && t - linger_killed_at >= LINGER_KILL_MS) break;
    if (reaped && kill_at == -2 && linger_killed_at < 0) linger_killed_at = t; /* a Stop's SIGKILL counts as the linger kill */

    struct pollfd p = {.fd = master, .events = POLLIN};
    int pr = poll(&p, 1, pending_off > 0 ? 1 : 100);
    if (pr < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (pr == 0) {
      flush_time_record();
      continue;
    }
    ssize_t n = read(master, buf, sizeof buf);
    if (n > 0) {
      if (!write_error[0]) {
        log_write(buf, (size_t)n);
        pending_off = total_bytes;
        pending_us = wall_us();
        if (pending_us - last_record_us >= TIMES_US) flush_time_record();
      }
      continue;
    }
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    /* EIO (Linux) or 0 (BSD): every slave fd is closed and nothing is left to read. */
    /* The master stays open until the child is reaped: closing it hangs up the terminal, and
     * the kernel would SIGHUP a child that merely closed its stdio and goes on working. */
    drained = 1;
  }
  if (master >= 0) close(master);
  flush_time_record();
  if (times_fd >= 0) close(times_fd);
  if (log_fd >= 0 && close(log_fd) != 0) record_write_error("closing the output log", errno);

  char err[300] = "null";
  if (write_error[0]) {
    char esc[256];
    json_escape(esc, sizeof esc, write_error);
    snprintf(err, sizeof err, "\"%s\"", esc);
  }
  char rec[800];
  if (WIFSIGNALED(status)) {
    const char *name = signal_name(WTERMSIG(status));
    char sig[64];
    if (name) snprintf(sig, sizeof sig, "\"%s\"", name);
    else snprintf(sig, sizeof sig, "\"signal %d\"", WTERMSIG(status));
    snprintf(rec, sizeof rec, "{\"exitCode\":null,\"signal\":%s,\"stopped\":%s,\"bytes\":%lld,\"error\":%s}\n", sig, stopped ? "true" : "false",
             total_bytes, err);
  } else {
    snprintf(rec, sizeof rec, "{\"exitCode\":%d,\"signal\":null,\"stopped\":%s,\"bytes\":%lld,\"error\":%s}\n", WEXITSTATUS(status),
             stopped ? "true" : "false", total_bytes, err);
  }
  /* Overwrites the reserved spaces in place: no new block is needed, even on a full disk. */
  size_t len = strlen(rec);
  if (len > sizeof blank) len = sizeof blank;
  if (pwrite(exit_fd, rec, len, 0) != (ssize_t)len) return 4;
  close(exit_fd);
  /* The host ends as the training did (a shell's convention: 128 + the signal), so whoever runs
   * the host sees the training's end too: Slurm records a failed training as FAILED with its
   * exit code. What was recorded is in exit.json either way. */
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return WEXITSTATUS(status);
}
