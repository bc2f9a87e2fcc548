#include "sql/plan.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace immu::sql {

namespace {

std::string Join(const std::vector<std::string>& lines) {
  std::string s;
  for (const auto& l : lines) s += l + "\n";
  return s;
}

}  // namespace

TEST_CASE("plan: a SELECT node collapses onto its lone FROM item, stages stack above it") {
  PlanRecorder rec(false);
  int select_key = 0, scan_key = 0;
  {
    PlanScope select(&rec, &select_key, "Result", false);
    select.node()->collapse = true;
    PlanStages stages(select);
    {
      PlanScope scan(&rec, &scan_key, "Seq Scan on t", false);
      scan.Detail("Filter: (a > 1)");
    }
    stages.Add("HashAggregate", {"Group Key: b"});
    stages.Add("Sort", {"Sort Key: b"});
    stages.Add("Limit");
  }
  CHECK(Join(rec.Render(true)) ==
        "Limit\n"
        "  ->  Sort\n"
        "        Sort Key: b\n"
        "        ->  HashAggregate\n"
        "              Group Key: b\n"
        "              ->  Seq Scan on t\n"
        "                    Filter: (a > 1)\n");
}

TEST_CASE("plan: loops of a keyed node accumulate; rows are averaged per loop and rounded") {
  PlanRecorder rec(true);
  int outer_key = 0, sub_key = 0, scan_key = 0;
  {
    PlanScope outer(&rec, &outer_key, "Seq Scan on t", true);
    outer.Rows(3);
    for (int loop = 0; loop < 3; loop++) {
      PlanScope sub(&rec, &sub_key, "SubPlan", true);
      sub.node()->subplan = true;
      PlanScope scan(&rec, &scan_key, "Index Scan using u_tid on u", true);
      scan.Rows(loop == 0 ? 2 : 0);  // 2 rows over 3 loops prints as 1
    }
  }
  CHECK(Join(rec.Render(false)) ==
        "Seq Scan on t (actual rows=3 loops=1)\n"
        "  SubPlan 1\n"
        "    ->  Index Scan using u_tid on u (actual rows=1 loops=3)\n");
}

TEST_CASE("plan: describe passes shape the tree but count no loops") {
  PlanRecorder rec(true);
  int key = 0;
  {
    PlanScope describe(&rec, &key, "Seq Scan on t", false);
    describe.Rows(5);
  }
  CHECK(Join(rec.Render(false)) == "Seq Scan on t (never executed)\n");
  {
    PlanScope run(&rec, &key, "Index Scan using t_pkey on t", true);
    run.Rows(1);
  }
  // The executed pass's label (chosen with real values) wins.
  CHECK(Join(rec.Render(false)) == "Index Scan using t_pkey on t (actual rows=1 loops=1)\n");
}

}  // namespace immu::sql
