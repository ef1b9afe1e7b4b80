/*
 * tunebench-remote: the SSH host's side of a trial, beside the trial host (trialHost.c) it
 * starts. Built on the SSH host with its own cc, from this file, by the engine
 * (main/engine/executors/ssh/remoteInstall.ts), so it fits the host's libc and architecture.
 *
 *   tunebench-remote start DIR CWD [-e NAME=VALUE]... -- HOST_ARGS...
 *       Starts the trial host (HOST_ARGS: its own command line, after the binary) detached in
 *       its own session, in CWD, with the login environment plus the NAME=VALUEs, its stdio on
 *       /dev/null (stderr in DIR/host.stderr). Waits until the host has written host.json and
 *       prints it, or prints why it did not start (exit 3). The trial then owes nothing to the
 *       SSH connection that started it: a connection that drops does not reach it.
 *
 *   tunebench-remote follow DIR FIRST_SEGMENT [NAME=OFFSET]...
 *       Sends the trial folder's files as they grow, as frames on stdout:
 *         "D NAME OFFSET LENGTH\n" then LENGTH bytes   bytes of NAME from OFFSET
 *         "A 1\n" / "A 0\n"                           the host is alive / gone (each second)
 *         "X\n"                                       the exit record was sent: nothing more
 *       NAME=OFFSET: where the engine's copy of a file ends (it has everything before); log
 *       segments below FIRST_SEGMENT are the engine's already. The time index of a segment goes
 *       before its bytes, and exit.json only once every byte the host wrote before it was sent,
 *       so the engine's copy is a folder the local trial session follows unchanged.
 *       Reads "R OFFSET\n" lines on stdin: how far the engine has read and stored, written to
 *       DIR/read.offset for the host (which deletes old segments only once they are read).
 *       Ends at EOF on stdin or a failed write: a lost connection ends the follower, never the
 *       trial.
 *
 *   tunebench-remote signal DIR SIGNAL host|training
 *       Sends SIGTERM or SIGKILL to the trial host, or SIGKILL to the training's process group,
 *       only if the pid recorded in host.json still names the process that started then (its
 *       start time matches /proc): a reused pid is never signalled. Prints "sent" or "gone".
 *
 * Values never pass through a shell: the command line arrives as argv, and the host execs it.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* How often the folder is looked at: 20 ms keeps the live chart within a frame or two. */
#define POLL_MS 20
/* A frame carries at most this much, so a flood still interleaves heartbeats and read offsets. */
#define FRAME_BYTES (256 * 1024)
#define HEARTBEAT_MS 1000
/* How long `start` waits for host.json before it reports that the host never started. */
#define START_WAIT_MS 10000
#define MAX_FILES 4096

static const char *dir;

static long long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(int ms) { poll(NULL, 0, ms); }

static void path_in_dir(char *out, size_t size, const char *name) { snprintf(out, size, "%s/%s", dir, name); }

/* Reads a small file whole (up to size-1 bytes), NUL-terminated; -1 when it cannot be read. */
static ssize_t read_small(const char *name, char *buf, size_t size) {
  char path[PATH_MAX];
  path_in_dir(path, sizeof path, name);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  ssize_t n = read(fd, buf, size - 1);
  close(fd);
  if (n < 0) return -1;
  buf[n] = 0;
  return n;
}

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
  if (!p || !p[1] || !p[2]) return 0;
  /* A zombie has exited: it is not the host any more. */
  if (p[2] == 'Z' || p[2] == 'X') return 0;
  int field = 3;
  for (p += 2; *p && field < 22; p++)
    if (*p == ' ') field++;
  return strtoull(p, NULL, 10);
}

/* A number field of host.json ("hostPid":123), or -1. */
static long long json_number(const char *text, const char *key) {
  char pat[64];
  snprintf(pat, sizeof pat, "\"%s\":", key);
  const char *p = strstr(text, pat);
  if (!p) return -1;
  return atoll(p + strlen(pat));
}

/* Whether the process recorded under KEY (hostPid/hostStart or childPid/childStart) still runs. */
static pid_t recorded_alive(const char *pid_key, const char *start_key) {
  char info[1024];
  if (read_small("host.json", info, sizeof info) <= 0) return 0;
  long long pid = json_number(info, pid_key), start = json_number(info, start_key);
  if (pid <= 0) return 0;
  if (kill((pid_t)pid, 0) != 0 && errno != EPERM) return 0;
  if (access("/proc/self/stat", R_OK) == 0) {
    unsigned long long now = start_time((pid_t)pid);
    if (now == 0 || (start > 0 && now != (unsigned long long)start)) return 0;
  }
  return (pid_t)pid;
}

static int exit_recorded(void) {
  char buf[16];
  if (read_small("exit.json", buf, sizeof buf) <= 0) return 0;
  const char *p = buf;
  while (*p == ' ' || *p == '\n') p++;
  return *p == '{';
}

/* ---- start ---- */

static int cmd_start(int argc, char **argv) {
  /* start DIR CWD [-e NAME=VALUE]... -- HOST_ARGS... */
  if (argc < 6) return 2;
  dir = argv[2];
  const char *cwd = argv[3];
  int i = 4;
  int env_from = i;
  while (i < argc && strcmp(argv[i], "--") != 0) {
    if (strcmp(argv[i], "-e") != 0 || i + 1 >= argc || !strchr(argv[i + 1], '=')) {
      fprintf(stderr, "tunebench-remote: bad argument %s\n", argv[i]);
      return 2;
    }
    i += 2;
  }
  if (i >= argc - 1) return 2;
  int env_to = i;
  char **host_args = &argv[i + 1];

  /* The host binary is beside this one. */
  char self[PATH_MAX], host[PATH_MAX + 32];
  snprintf(self, sizeof self, "%s", argv[0]);
  char *slash = strrchr(self, '/');
  if (slash) *slash = 0;
  else snprintf(self, sizeof self, ".");
  snprintf(host, sizeof host, "%s/tunebench-trial-host", self);

  if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
    printf("ERROR cannot create the trial folder %s: %s\n", dir, strerror(errno));
    return 3;
  }
  if (chdir(cwd) != 0) {
    printf("ERROR the working directory %s cannot be entered on this host: %s\n", cwd, strerror(errno));
    return 3;
  }
  char errpath[PATH_MAX];
  path_in_dir(errpath, sizeof errpath, "host.stderr");

  pid_t child = fork();
  if (child < 0) {
    printf("ERROR fork: %s\n", strerror(errno));
    return 3;
  }
  if (child == 0) {
    setsid();
    int null = open("/dev/null", O_RDWR);
    int err = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (null >= 0) {
      dup2(null, 0);
      dup2(null, 1);
    }
    if (err >= 0) dup2(err, 2);
    for (int j = env_from; j < env_to; j += 2) putenv(argv[j + 1]);
    /* argv[0] of the host is its own path; HOST_ARGS follow. */
    host_args[-1] = host;
    execv(host, &host_args[-1]);
    fprintf(stderr, "tunebench-trial-host: cannot run %s: %s\n", host, strerror(errno));
    _exit(127);
  }
  long long deadline = now_ms() + START_WAIT_MS;
  for (;;) {
    char info[1024];
    if (read_small("host.json", info, sizeof info) > 0 && strchr(info, '}')) {
      printf("OK %s", info);
      return 0;
    }
    int status;
    if (waitpid(child, &status, WNOHANG) == child) {
      /* host.json may have landed just before it exited (a trial that ends at once). */
      if (read_small("host.json", info, sizeof info) > 0 && strchr(info, '}')) {
        printf("OK %s", info);
        return 0;
      }
      char why[2048];
      if (read_small("host.stderr", why, sizeof why) <= 0) snprintf(why, sizeof why, "it exited with status %d", status);
      for (char *p = why; *p; p++)
        if (*p == '\n') *p = ' ';
      printf("ERROR %s\n", why);
      return 3;
    }
    if (now_ms() > deadline) {
      printf("ERROR the trial host wrote no host.json within %d s\n", START_WAIT_MS / 1000);
      return 3;
    }
    sleep_ms(5);
  }
}

/* ---- follow ---- */

struct tracked {
  char name[64];
  long long sent;
};
static struct tracked files[MAX_FILES];
static int nfiles = 0;

static struct tracked *tracked(const char *name) {
  for (int i = 0; i < nfiles; i++)
    if (strcmp(files[i].name, name) == 0) return &files[i];
  if (nfiles == MAX_FILES) return NULL;
  snprintf(files[nfiles].name, sizeof files[nfiles].name, "%s", name);
  files[nfiles].sent = 0;
  return &files[nfiles++];
}

static void write_all(const char *buf, size_t len) {
  while (len > 0) {
    ssize_t w = write(1, buf, len);
    if (w < 0) {
      if (errno == EINTR) continue;
      _exit(0); /* the connection is gone: the engine re-attaches with a new follower */
    }
    buf += w;
    len -= (size_t)w;
  }
}

static char frame[FRAME_BYTES];

/* Sends what NAME holds beyond what was sent; returns 1 if anything went. */
static int send_growth(const char *name) {
  struct tracked *t = tracked(name);
  if (!t) return 0;
  char path[PATH_MAX];
  path_in_dir(path, sizeof path, name);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  int any = 0;
  for (;;) {
    ssize_t n = pread(fd, frame, sizeof frame, t->sent);
    if (n <= 0) break;
    char head[160];
    int h = snprintf(head, sizeof head, "D %s %lld %zd\n", name, t->sent, n);
    write_all(head, (size_t)h);
    write_all(frame, (size_t)n);
    t->sent += n;
    any = 1;
  }
  close(fd);
  return any;
}

/* Sends a small file whole (host.json, exit.json), once. */
static void send_whole(const char *name) {
  char buf[2048];
  ssize_t n = read_small(name, buf, sizeof buf);
  if (n <= 0) return;
  char head[160];
  int h = snprintf(head, sizeof head, "D %s 0 %zd\n", name, n);
  write_all(head, (size_t)h);
  write_all(buf, (size_t)n);
}

static int cmp_ll(const void *a, const void *b) {
  long long x = *(const long long *)a, y = *(const long long *)b;
  return x < y ? -1 : x > y;
}

/* Segment numbers of files NAME-N.EXT present now, ascending. */
static int list_segments(const char *ext, long long *out, int max) {
  DIR *d = opendir(dir);
  if (!d) return 0;
  int n = 0;
  struct dirent *e;
  size_t extlen = strlen(ext);
  while ((e = readdir(d)) && n < max) {
    const char *s = e->d_name;
    if (strncmp(s, "output-", 7) != 0) continue;
    size_t len = strlen(s);
    if (len <= 7 + extlen || strcmp(s + len - extlen, ext) != 0) continue;
    char *end;
    long long v = strtoll(s + 7, &end, 10);
    if (end != s + len - extlen) continue;
    out[n++] = v;
  }
  closedir(d);
  qsort(out, (size_t)n, sizeof out[0], cmp_ll);
  return n;
}

static void write_read_offset(const char *text) {
  char tmp[PATH_MAX], final[PATH_MAX];
  path_in_dir(tmp, sizeof tmp, ".read.offset.tmp");
  path_in_dir(final, sizeof final, "read.offset");
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return;
  ssize_t w = write(fd, text, strlen(text));
  close(fd);
  if (w == (ssize_t)strlen(text)) rename(tmp, final);
}

/* Reads the engine's "R OFFSET" lines; returns 0 at EOF (the connection is gone). */
static char inbuf[4096];
static size_t inlen = 0;
static int read_commands(void) {
  struct pollfd p = {.fd = 0, .events = POLLIN};
  while (poll(&p, 1, 0) > 0) {
    ssize_t n = read(0, inbuf + inlen, sizeof inbuf - 1 - inlen);
    if (n == 0) return 0;
    if (n < 0) return errno == EINTR || errno == EAGAIN;
    inlen += (size_t)n;
    inbuf[inlen] = 0;
    char *nl;
    while ((nl = memchr(inbuf, '\n', inlen))) {
      *nl = 0;
      if (inbuf[0] == 'R' && inbuf[1] == ' ') write_read_offset(inbuf + 2);
      size_t used = (size_t)(nl - inbuf) + 1;
      memmove(inbuf, inbuf + used, inlen - used);
      inlen -= used;
    }
    if (inlen == sizeof inbuf - 1) inlen = 0; /* a line that long is not ours */
  }
  return 1;
}

static int cmd_follow(int argc, char **argv) {
  /* follow DIR FIRST_SEGMENT [NAME=OFFSET]... */
  if (argc < 4) return 2;
  dir = argv[2];
  long long first_segment = atoll(argv[3]);
  for (int i = 4; i < argc; i++) {
    char *eq = strrchr(argv[i], '=');
    if (!eq) continue;
    *eq = 0;
    struct tracked *t = tracked(argv[i]);
    if (t) t->sent = atoll(eq + 1);
  }
  signal(SIGPIPE, SIG_DFL);
  int host_sent = 0;
  long long last_beat = 0, followed_at = now_ms();
  static long long segs[MAX_FILES];
  for (;;) {
    if (!read_commands()) return 0;
    if (!host_sent) {
      char info[1024];
      if (read_small("host.json", info, sizeof info) > 0 && strchr(info, '}')) {
        send_whole("host.json");
        host_sent = 1;
      }
    }
    /* Looked at before the log: once the exit is recorded the log is final, so what is sent
     * below is all of it, and the exit record can follow it in this same round. */
    int exited = exit_recorded();
    int n = list_segments(".times", segs, MAX_FILES);
    for (int i = 0; i < n; i++) {
      if (segs[i] < first_segment) continue;
      char name[64];
      snprintf(name, sizeof name, "output-%lld.times", segs[i]);
      send_growth(name);
    }
    n = list_segments(".log", segs, MAX_FILES);
    for (int i = 0; i < n; i++) {
      if (segs[i] < first_segment) continue;
      char name[64];
      snprintf(name, sizeof name, "output-%lld.log", segs[i]);
      send_growth(name);
    }
    send_growth("metrics.jsonl");
    if (exited) {
      send_whole("exit.json");
      write_all("X\n", 2);
      return 0;
    }
    long long t = now_ms();
    if (t - last_beat >= HEARTBEAT_MS) {
      last_beat = t;
      int alive = recorded_alive("hostPid", "hostStart") != 0;
      /* No host.json: `start` waited for it before this follower was started, so only a trial
       * whose start was cut short (the engine died in between) has none, or a folder that is gone
       * (the host was reinstalled). Given START_WAIT_MS, as `start` gives it, it is gone. */
      char info[16];
      if (read_small("host.json", info, sizeof info) <= 0 && t - followed_at < START_WAIT_MS && access(dir, F_OK) == 0) alive = 1;
      /* It may have ended between the two looks: the exit record is then there. */
      if (!alive && exit_recorded()) continue;
      write_all(alive ? "A 1\n" : "A 0\n", 4);
    }
    sleep_ms(POLL_MS);
  }
}

/* ---- signal ---- */

static int cmd_signal(int argc, char **argv) {
  /* signal DIR TERM|KILL host|training */
  if (argc < 5) return 2;
  dir = argv[2];
  int sig = strcmp(argv[3], "KILL") == 0 ? SIGKILL : SIGTERM;
  int training = strcmp(argv[4], "training") == 0;
  pid_t pid = training ? recorded_alive("childPid", "childStart") : recorded_alive("hostPid", "hostStart");
  if (pid <= 0) {
    printf("gone\n");
    return 0;
  }
  if (training) sig = SIGKILL;
  if (kill(training ? -pid : pid, sig) != 0 && errno == ESRCH) {
    printf("gone\n");
    return 0;
  }
  printf("sent\n");
  return 0;
}

int main(int argc, char **argv) {
  if (argc >= 2 && strcmp(argv[1], "start") == 0) return cmd_start(argc, argv);
  if (argc >= 2 && strcmp(argv[1], "follow") == 0) return cmd_follow(argc, argv);
  if (argc >= 2 && strcmp(argv[1], "signal") == 0) return cmd_signal(argc, argv);
  if (argc >= 2 && strcmp(argv[1], "version") == 0) {
    printf("tunebench-remote 1\n");
    return 0;
  }
  fprintf(stderr, "usage: tunebench-remote start|follow|signal|version ...\n");
  return 2;
}
