#include <gtest/gtest.h>

#include <signal.h>
#include <unistd.h>

#include "test_util.h"

namespace gene::harness {
namespace {

TEST(Process, CapturesOutputAndExitStatus) {
  TempDir dir;
  ProcessResult r = run_process({"/bin/sh", "-c", "echo out; echo err >&2; exit 3"}, dir.file("o"), dir.file("e"), 10);
  ASSERT_TRUE(r.started) << r.spawn_error;
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(test::read_text(dir.file("o")), "out\n");
  EXPECT_EQ(test::read_text(dir.file("e")), "err\n");
  EXPECT_EQ(describe(r, 10), "exited with status 3");
}

TEST(Process, TimeoutKillsTheWholeGroup) {
  TempDir dir;
  // The shell starts a grandchild; both must be gone when run_process returns.
  ProcessResult r = run_process({"/bin/sh", "-c", "sleep 30 & echo $! > " + dir.file("pid") + "; wait"}, dir.file("o"),
                                dir.file("e"), 0.5);
  EXPECT_TRUE(r.timed_out);
  EXPECT_LT(r.seconds, 10);
  int grandchild = std::stoi(test::read_text(dir.file("pid")));
  usleep(100000);
  // Gone, or a zombie waiting for a reaper (init in a container may not reap promptly).
  std::string stat = test::read_text("/proc/" + std::to_string(grandchild) + "/stat");
  size_t paren = stat.rfind(')');
  bool alive = paren != std::string::npos && paren + 2 < stat.size() && stat[paren + 2] != 'Z';
  EXPECT_FALSE(alive) << "grandchild still running: " << stat;
}

TEST(Process, SignalAndMissingBinary) {
  TempDir dir;
  ProcessResult r = run_process({"/bin/sh", "-c", "kill -SEGV $$"}, dir.file("o"), dir.file("e"), 10);
  EXPECT_EQ(r.signal, SIGSEGV);
  EXPECT_NE(describe(r, 10).find("signal 11"), std::string::npos);
  ProcessResult m = run_process({dir.file("no-such-binary")}, dir.file("o"), dir.file("e"), 10);
  EXPECT_FALSE(m.started);
  EXPECT_NE(m.spawn_error.find("No such file"), std::string::npos) << m.spawn_error;
}

}  // namespace
}  // namespace gene::harness

namespace gene::harness {
namespace {

TEST(Forked, ExitStatusSignalTimeoutAndPeakRss) {
  TempDir dir;
  ProcessResult ok = run_forked([] { return 5; }, dir.file("o"), dir.file("e"), 10);
  ASSERT_TRUE(ok.started) << ok.spawn_error;
  EXPECT_EQ(ok.exit_code, 5);
  EXPECT_GT(ok.max_rss_bytes, 0);

  ProcessResult crash = run_forked([] { raise(SIGSEGV); return 0; }, dir.file("o"), dir.file("e"), 10);
  EXPECT_EQ(crash.signal, SIGSEGV);
  EXPECT_NE(describe(crash, 10).find("SIGSEGV"), std::string::npos) << describe(crash, 10);
  EXPECT_EQ(signal_abbrev(SIGKILL), "SIGKILL");

  ProcessResult hang = run_forked([] { for (;;) pause(); return 0; }, dir.file("o"), dir.file("e"), 0.3);
  EXPECT_TRUE(hang.timed_out);

  // A child touching 64 MiB has a peak RSS at least that large.
  ProcessResult big = run_forked(
      [] {
        std::vector<char> v(64 << 20, 1);
        return int(v[12345]) - 1;
      },
      dir.file("o"), dir.file("e"), 10);
  EXPECT_EQ(big.exit_code, 0);
  EXPECT_GT(big.max_rss_bytes, 64.0 * 1024 * 1024);
}

}  // namespace
}  // namespace gene::harness
