// bench --peers: runtime detection, output checking and ratios (harness/peers.h), with fake
// runtimes (sh scripts) so the tests need neither Lua nor Node nor Python.
#include "harness/peers.h"

#include <gtest/gtest.h>

#include <sstream>

#include "test_util.h"

namespace gene::harness {
namespace {

using test::write_text;

PeerRuntime sh_runtime(const std::string& name = "sh") { return {name, "sh", ".sh", {"sh"}, false}; }

Row timed_row(const std::string& program, const std::string& tier, double ms, const std::string& status = "pass") {
  Row r;
  r.program = program;
  r.tier = tier;
  r.status = status;
  r.time_median_ms = ms;
  return r;
}

TEST(Peers, FindInPath) {
  EXPECT_NE(find_in_path("sh"), "");
  EXPECT_EQ(find_in_path("gene-no-such-runtime-xyz"), "");
  EXPECT_EQ(find_in_path("/nonexistent/dir/sh"), "");
}

TEST(Peers, MissingRuntimeIsSkippedWithANote) {
  TempDir dir("peers-test");
  write_text(dir.file("sh/prog.sh"), "echo hi\n");
  PeerOptions opts;
  opts.peers_dir = dir.path();
  opts.runtimes = {{"nolang", "sh", ".sh", {"gene-no-such-runtime-xyz"}, false}, sh_runtime()};
  Report rep;
  std::ostringstream err;
  run_peers({{"corpus/bench/prog.gene", "hi\n", true}}, opts, rep, err);
  EXPECT_NE(err.str().find("gene-no-such-runtime-xyz not found"), std::string::npos) << err.str();
  ASSERT_EQ(rep.peers.size(), 1u);  // only the installed runtime ran
  EXPECT_EQ(rep.peers[0].peer, "sh");
  EXPECT_EQ(rep.peers[0].status, "pass");
  ASSERT_TRUE(rep.settings.contains("peers_skipped"));
  EXPECT_EQ(rep.settings["peers_skipped"], nlohmann::json::array({"nolang"}));
}

TEST(Peers, WrongOutputAndErrorsAreFlagged) {
  TempDir dir("peers-test");
  write_text(dir.file("sh/good.sh"), "echo 42\n");
  write_text(dir.file("sh/wrong.sh"), "echo 41\n");
  write_text(dir.file("sh/crash.sh"), "echo 42; exit 3\n");
  PeerOptions opts;
  opts.peers_dir = dir.path();
  opts.repetitions = 2;
  opts.runtimes = {sh_runtime()};
  Report rep;
  std::ostringstream err;
  run_peers({{"b/good.gene", "42\n", true}, {"b/wrong.gene", "42\n", true}, {"b/crash.gene", "42\n", true},
             {"b/nopeer.gene", "42\n", true}},
            opts, rep, err);
  ASSERT_EQ(rep.peers.size(), 3u);  // no peer file for nopeer: no row
  EXPECT_EQ(rep.peers[0].status, "pass");
  EXPECT_EQ(rep.peers[0].repetitions, 2);
  EXPECT_EQ(rep.peers[1].status, "fail");
  EXPECT_NE(rep.peers[1].detail.find("expected `42`, got `41`"), std::string::npos) << rep.peers[1].detail;
  EXPECT_TRUE(rep.peers[1].time_median_ms.has_value());  // still timed
  EXPECT_EQ(rep.peers[2].status, "error");
  EXPECT_EQ(rep.peers[2].exit, 3);
}

TEST(Peers, RatiosComeFromTheSameRun) {
  TempDir dir("peers-test");
  write_text(dir.file("sh/p.sh"), "echo ok\n");
  PeerOptions opts;
  opts.peers_dir = dir.path();
  opts.runtimes = {sh_runtime()};
  Report rep;
  rep.rows = {timed_row("b/p.gene", "interp", 400), timed_row("b/p.gene", "baseline", 100),
              timed_row("b/p.gene", "opt", 10, "fail"),  // wrong output: not our best tier
              timed_row("b/other.gene", "baseline", 1)};  // another program
  std::ostringstream err;
  run_peers({{"b/p.gene", "ok\n", true}}, opts, rep, err);
  ASSERT_EQ(rep.peers.size(), 1u);
  const PeerRow& p = rep.peers[0];
  ASSERT_TRUE(p.time_median_ms && p.vs_interp && p.vs_best);
  EXPECT_EQ(p.interp_median_ms, 400);
  EXPECT_EQ(p.best_tier, "baseline");
  EXPECT_EQ(p.best_median_ms, 100);
  EXPECT_DOUBLE_EQ(*p.vs_interp, *p.time_median_ms / 400);
  EXPECT_DOUBLE_EQ(*p.vs_best, *p.time_median_ms / 100);

  // Recomputing follows the report's own rows.
  rep.rows[1].time_median_ms = 50;
  compute_peer_ratios(rep);
  EXPECT_DOUBLE_EQ(*rep.peers[0].vs_best, *p.time_median_ms / 50);
}

TEST(Peers, JsonRoundTripAndOldReportsWithoutPeers) {
  Report rep;
  rep.rows = {timed_row("b/p.gene", "interp", 400)};
  PeerRow p;
  p.program = "b/p.gene";
  p.peer = "luajit -joff";
  p.status = "fail";
  p.time_median_ms = 12.5;
  p.detail = "x";
  rep.peers = {p};
  compute_peer_ratios(rep);
  Report back;
  std::string error;
  ASSERT_TRUE(report_from_json(report_to_json(rep), back, error)) << error;
  ASSERT_EQ(back.peers.size(), 1u);
  EXPECT_EQ(back.peers[0].peer, "luajit -joff");
  EXPECT_EQ(back.peers[0].status, "fail");
  EXPECT_DOUBLE_EQ(*back.peers[0].vs_interp, 12.5 / 400);

  rep.peers.clear();
  nlohmann::json j = report_to_json(rep);
  EXPECT_FALSE(j.contains("peers"));  // unchanged layout for reports without peers
  ASSERT_TRUE(report_from_json(j, back, error)) << error;
  EXPECT_TRUE(back.peers.empty());
}

}  // namespace
}  // namespace gene::harness
