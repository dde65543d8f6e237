#!/usr/bin/env python3
"""Collects one benchmark run: oha's JSON (W1-W3), the load driver's JSON
(W4, W5), pgbench's output and the run's facts (stdin), into one results
file, and rewrites the matching table in BENCHMARKS.md.

    report.py WORK_DIR RESULTS.json < facts.json   collect, then write the table
    report.py --from RESULTS.json                  write the table of a collected run
"""
import json, os, re, sys


def oha(name):
    data = json.load(open(os.path.join(work, f"{name}.json")))
    summary, pct = data["summary"], data.get("latencyPercentiles", {})
    codes = data.get("statusCodeDistribution", {})
    ok = sum(n for code, n in codes.items() if code.startswith("2"))
    errors = sum(data.get("errorDistribution", {}).values()) + sum(n for code, n in codes.items() if not code.startswith("2"))
    return {
        "rps": round(summary["requestsPerSec"], 1),
        "p50_ms": round(pct.get("p50", 0) * 1000, 2),
        "p95_ms": round(pct.get("p95", 0) * 1000, 2),
        "p99_ms": round(pct.get("p99", 0) * 1000, 2),
        "requests": ok,
        "errors": errors,
    }


def driver(name):
    return json.load(open(os.path.join(work, f"{name}.json")))


def pgbench(name):
    text = open(os.path.join(work, f"pg_{name}.txt")).read()
    match = re.search(r"tps = ([0-9.]+)", text)
    latency = re.search(r"latency average = ([0-9.]+) ms", text)
    return {"tps": round(float(match.group(1)), 1) if match else None,
            "latency_ms": float(latency.group(1)) if latency else None}


def pairs():
    """W1 and pgbench's W1 in alternating slices: (web req/s, pgbench tx/s) each."""
    found = []
    for n in range(1, 10):
        if not os.path.exists(os.path.join(work, f"w1_pair_{n}.json")):
            break
        found.append((oha(f"w1_pair_{n}")["rps"], pgbench(f"w1_pair_{n}")["tps"]))
    return found


def collect(work, out, meta):
    result = dict(meta)
    result["w1"], result["w2"], result["w3"] = oha("w1"), oha("w2"), oha("w3")
    result["w4"], result["w5"] = driver("w4"), driver("w5")
    result["pgbench_w1"], result["pgbench_w4"] = pgbench("w1"), pgbench("w4")
    result["w6"] = driver("w6")
    result["w1_pairs"] = [{"rps": web, "pgbench_tps": pg} for web, pg in pairs()]
    for web, pg in (("w1", "pgbench_w1"), ("w4", "pgbench_w4")):
        if result[pg]["tps"]:
            result[web]["fraction_of_pgbench"] = round(result[web]["rps"] / result[pg]["tps"], 2)
    os.makedirs(os.path.dirname(out), exist_ok=True)
    json.dump(result, open(out, "w"), indent=2)
    return result


if sys.argv[1] == "--from":
    out = sys.argv[2]
    result = json.load(open(out))
    meta = result
else:
    work, out = sys.argv[1], sys.argv[2]
    meta = json.loads(sys.stdin.read())
    result = collect(work, out, meta)

seeding = (f"seeding took {meta['seed_seconds']} s" if meta["seed_seconds"] != "reused"
           else "data of an earlier seed, with the cases and notes earlier runs' W4 and W5 added")
rows = [
    ("W1 list `/cases?view=active`", "w1", 16, "p99 < 25 ms, ≥ 40% of pgbench"),
    ("W2 case page (random)", "w2", 16, "p99 < 25 ms"),
    ("W3 customer lookup", "w3", 16, "p95 < 15 ms"),
    ("W4 create case", "w4", 8, "≥ 1,000 cases/s, none lost"),
    ("W5 add note", "w5", 8, "≥ 1,500 notes/s"),
]
lines = [
    f"Run `{os.path.basename(out)}`: {meta['nproc']} cores, {meta['memory_gb']} GB, PostgreSQL {meta['postgres']}; "
    f"{meta['tenants']} workspaces, {meta['cases_total']:,} cases, {meta['events_total']:,} timeline entries; "
    f"largest workspace {meta['largest_cases']:,} cases and {meta['largest_customers']:,} customers; "
    f"{seeding}; {meta['duration']} s per workload.",
    "",
    "| workload | concurrency | req/s | p50 ms | p95 ms | p99 ms | errors | target |",
    "|---|---|---|---|---|---|---|---|",
]
for label, key, conc, target in rows:
    r = result[key]
    lines.append(f"| {label} | {conc} | {r['rps']:,} | {r['p50_ms']} | {r['p95_ms']} | {r['p99_ms']} | {r['errors']} | {target} |")
lines += [
    "",
    f"- pgbench, minimal SQL of W1 (one page of 25 rows, tenant transaction): {result['pgbench_w1']['tps']:,} tx/s "
    f"→ W1 is {result['w1'].get('fraction_of_pgbench', '?')} of it.",
] + ([
    f"- W1 and pgbench's W1 alternated in {len(result['w1_pairs'])} slices of a few seconds each: "
    + ", ".join(f"{p['rps']:,.0f} / {p['pgbench_tps']:,.0f}" for p in result["w1_pairs"])
    + f" → W1 is {sum(p['rps'] for p in result['w1_pairs']) / sum(p['pgbench_tps'] for p in result['w1_pairs']):.2f} of it.",
] if result.get("w1_pairs") else []) + [
    f"- pgbench, minimal SQL of W4 (case row + timeline row in one transaction): {result['pgbench_w4']['tps']:,} tx/s "
    f"→ W4 is {result['w4'].get('fraction_of_pgbench', '?')} of it.",
    f"- W4: {result['w4']['acknowledged']:,} cases acknowledged, {meta['w4_missing']} of them missing from the database "
    f"({meta['w4_after'] - meta['w4_before']:,} rows added).",
    f"- Server peak RSS over W1–W5: {meta['peak_rss_kb'] / 1024:.0f} MB (target < 150 MB).",
]
w6 = result["w6"]
lines += [
    "",
    f"W6, the SLA worker: {w6['due']:,} KPI instances due at once, each running the default SLA's warning actions "
    "(target ≥ 10,000 transitions/s; idle tick < 5 ms at 1,000,000 instances; nothing applied twice).",
    "",
    "| | transitions | seconds | transitions/s |",
    "|---|---|---|---|",
    f"| one worker | {w6['one']['transitions']:,.0f} | {w6['one']['seconds']} | {w6['one']['per_second']:,} |",
    f"| two workers at once | {' + '.join(f'{n:,.0f}' for n in w6['two']['split'])} | {w6['two']['seconds']} | {w6['two']['per_second']:,} |",
    "",
    f"- Transitions applied twice by the two workers: {w6['applied_twice']}.",
    f"- Idle tick at {w6['instances']:,} instances: median {w6['idle_tick_ms']['median']} ms, max {w6['idle_tick_ms']['max']} ms "
    f"(wall, whole SLA pass of a running worker); due query {w6['due_query_ms']['execution']} ms execution + {w6['due_query_ms']['planning']} ms planning.",
]
table = "\n".join(lines)
path = "BENCHMARKS.md"
text = open(path).read() if os.path.exists(path) else "# Benchmarks\n"
begin, end = f"<!-- {meta['mode']}:begin -->", f"<!-- {meta['mode']}:end -->"
block = f"{begin}\n{table}\n{end}"
if begin in text:
    text = re.sub(re.escape(begin) + r".*?" + re.escape(end), lambda _: block, text, flags=re.S)
else:
    text = text.rstrip() + f"\n\n## Latest {meta['mode']} run\n\n{block}\n"
open(path, "w").write(text)
print(table)
