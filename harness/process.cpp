#include "harness/process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <thread>

namespace gene::harness {

namespace {

using Clock = std::chrono::steady_clock;

// Reaps `pid` (blocking), keeping its resource usage: wait4 gives the child's own peak RSS,
// which RUSAGE_CHILDREN could only give as a maximum over all children.
void reap(pid_t pid, int& status, rusage* usage) {
  while (wait4(pid, &status, 0, usage) < 0 && errno == EINTR) {
  }
}

// Waits for `pid` until `deadline`; returns false on timeout. Uses a pidfd (Linux >= 5.3) so
// the wait wakes exactly when the child ends; falls back to short sleeps where there is none.
bool wait_until(pid_t pid, Clock::time_point deadline, bool has_deadline, int& status, rusage* usage) {
  if (!has_deadline) {
    reap(pid, status, usage);
    return true;
  }
#ifdef SYS_pidfd_open
  int fd = int(syscall(SYS_pidfd_open, pid, 0));
  if (fd >= 0) {
    for (;;) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      if (left < 0) left = 0;
      pollfd p{fd, POLLIN, 0};
      int n = poll(&p, 1, int(left));
      if (n < 0 && errno == EINTR) continue;
      if (n == 0) {
        close(fd);
        return false;
      }
      break;
    }
    close(fd);
    reap(pid, status, usage);
    return true;
  }
#endif
  auto nap = std::chrono::microseconds(200);
  for (;;) {
    pid_t r = wait4(pid, &status, WNOHANG, usage);
    if (r == pid) return true;
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(nap);
    nap = std::min(nap * 2, std::chrono::microseconds(10000));
  }
}

// Waits for a started child within its limit (killing its whole process group on timeout) and
// records how it ended, its wall time and its peak RSS.
void finish_child(pid_t pid, Clock::time_point start, double timeout_seconds, ProcessResult& r) {
  bool limited = timeout_seconds > 0;
  auto deadline = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(limited ? timeout_seconds : 0));
  int status = 0;
  rusage usage{};
  if (!wait_until(pid, deadline, limited, status, &usage)) {
    r.timed_out = true;
    kill(-pid, SIGKILL);
    reap(pid, status, &usage);
  } else if (WIFEXITED(status)) {
    r.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    r.signal = WTERMSIG(status);
  }
  r.max_rss_bytes = double(usage.ru_maxrss) * 1024.0;  // Linux reports KiB
  r.seconds = std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

ProcessResult run_process(const std::vector<std::string>& argv, const std::string& stdout_path,
                          const std::string& stderr_path, double timeout_seconds) {
  ProcessResult r;
  // Everything the child needs is prepared before fork: between fork and exec the child of a
  // multithreaded process may only make async-signal-safe calls (plain system calls here).
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  int status_pipe[2];  // the child reports a failed exec here; closed on a successful exec
  if (pipe2(status_pipe, O_CLOEXEC) != 0) {
    r.spawn_error = std::string("cannot start ") + argv[0] + ": " + std::strerror(errno);
    return r;
  }
  const pid_t parent = getpid();

  auto start = Clock::now();
  pid_t pid = fork();
  if (pid == 0) {
    // Own process group: a timeout kills the program and anything it started. Parent-death
    // signal: if gene-harness itself is killed (e.g. by a CI time limit), the child dies too
    // instead of running on as an orphan.
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    int in = open("/dev/null", O_RDONLY);
    int out = open(stdout_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int err = open(stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (in < 0 || out < 0 || err < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0) {
      int e = errno;
      (void)!write(status_pipe[1], &e, sizeof e);
      _exit(127);
    }
    execv(args[0], args.data());
    int e = errno;
    (void)!write(status_pipe[1], &e, sizeof e);
    _exit(127);
  }
  close(status_pipe[1]);
  if (pid < 0) {
    close(status_pipe[0]);
    r.spawn_error = std::string("cannot start ") + argv[0] + ": " + std::strerror(errno);
    return r;
  }
  int child_errno = 0;
  ssize_t n;
  while ((n = read(status_pipe[0], &child_errno, sizeof child_errno)) < 0 && errno == EINTR) {
  }
  close(status_pipe[0]);
  if (n > 0) {
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    r.spawn_error = "cannot start " + argv[0] + ": " + std::strerror(child_errno);
    return r;
  }
  r.started = true;

  finish_child(pid, start, timeout_seconds, r);
  return r;
}

ProcessResult run_forked(const std::function<int()>& body, const std::string& stdout_path,
                         const std::string& stderr_path, double timeout_seconds) {
  ProcessResult r;
  // Buffered output would otherwise be written twice: by the parent and by the child's copy.
  std::fflush(nullptr);
  const pid_t parent = getpid();
  auto start = Clock::now();
  pid_t pid = fork();
  if (pid == 0) {
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    // A crash is an expected result here: do not litter the working directory with cores.
    rlimit no_core{0, 0};
    setrlimit(RLIMIT_CORE, &no_core);
    int in = open("/dev/null", O_RDONLY);
    int out = open(stdout_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int err = open(stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (in < 0 || out < 0 || err < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0) _exit(127);
    int code = 4;
    try {
      code = body();
    } catch (...) {
      code = 4;
    }
    std::fflush(nullptr);
    // _exit, not exit: the parent's atexit handlers and static destructors are not the child's.
    _exit(code);
  }
  if (pid < 0) {
    r.spawn_error = std::string("cannot fork: ") + std::strerror(errno);
    return r;
  }
  r.started = true;
  finish_child(pid, start, timeout_seconds, r);
  return r;
}

std::string signal_abbrev(int signal) {
  const char* abbrev = sigabbrev_np(signal);
  return abbrev ? std::string("SIG") + abbrev : "SIG" + std::to_string(signal);
}

std::string describe(const ProcessResult& r, double timeout_seconds) {
  if (!r.started) return r.spawn_error;
  if (r.timed_out) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "timed out after %g s (killed)", timeout_seconds);
    return buf;
  }
  if (r.signal)
    return "killed by signal " + std::to_string(r.signal) + " (" + signal_abbrev(r.signal) + ", " + strsignal(r.signal) + ")";
  return "exited with status " + std::to_string(r.exit_code);
}

}  // namespace gene::harness
