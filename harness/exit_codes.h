// Exit statuses of gene-harness, shared by every command so that CI scripts can tell a failing
// gate (1) from a broken invocation (2) or broken input (3). Documented in docs/report-schema.md
// and in `gene-harness --help`.
#pragma once

namespace gene::harness {

enum Exit : int {
  kOk = 0,          // everything passed / no regression
  kFailed = 1,      // check: a program differs; compare: correctness change or regression;
                    // fuzz: a divergence was found (and saved)
  kUsage = 2,       // bad command line: unknown option or tier, malformed --shard, ...
  kBadInput = 3,    // missing path, program without .expected, unreadable/corrupt/wrong-version
                    // report, `gene` binary missing or not working
  kInternal = 4,    // a bug in the harness itself (an unexpected exception)
};

}  // namespace gene::harness
