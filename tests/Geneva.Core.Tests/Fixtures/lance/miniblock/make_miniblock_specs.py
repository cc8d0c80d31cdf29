#!/usr/bin/env python3
"""Writes the seeded specs of the mini-block fixtures (see README.md). Each spec is one LanceDB table of
one fragment, made by tests/interop/lancedb-tool.mjs in storage version 2.1."""
import json
import random
import struct

rng = random.Random(11)


def f32(x):
    # The float32 nearest x, printed as the shortest decimal that round-trips it as a double.
    return repr(struct.unpack("<f", struct.pack("<f", x))[0])


def nulls(values, fraction):
    return [None if rng.random() < fraction else v for v in values]


def runs(n, make):
    out = []
    while len(out) < n:
        v = make()
        out.extend([v] * rng.randint(20, 400))
    return out[:n]


def spec(name, schema, columns, n):
    rows = [{c: columns[c][i] for c in columns if columns[c][i] is not None} for i in range(n)]
    with open(f"{name}.json", "w") as f:
        json.dump({"storageVersion": "2.1", "schema": schema, "fragments": [rows]}, f, separators=(",", ":"))


# ints: bitpacking at several widths (signed, unsigned, 64-bit extremes), RLE on runs, nulls at 1/10/50%.
n = 1300
I64_MIN, I64_MAX = -(2**63), 2**63 - 1
cols = {
    "bp_i8": [rng.randint(0, 13) for _ in range(n)],
    "bp_u16": [rng.randint(0, 1000) for _ in range(n)],
    "bp_i32": [rng.randint(0, 100_000) for _ in range(n)],
    "neg_i32": [rng.randint(-50, 50) for _ in range(n)],
    "bp_u32": [rng.randint(0, 2**32 - 1) for _ in range(n)],
    "bp_i64": [str(rng.randint(0, 2**40)) for _ in range(n)],
    "ext_i64": [str(rng.choice([I64_MIN, I64_MAX, 0, -1, 1, rng.randint(I64_MIN, I64_MAX)])) for _ in range(n)],
    "run_i32": runs(n, lambda: rng.randint(-1000, 1000)),
    "run_i64": [str(v) for v in runs(n, lambda: rng.choice([I64_MIN, I64_MAX, rng.randint(-10**12, 10**12)]))],
    "run_u8": runs(n, lambda: rng.randint(0, 255)),
    "nul1_i32": nulls([rng.randint(0, 5000) for _ in range(n)], 0.01),
    "nul10_i64": nulls([str(rng.randint(-10**9, 10**9)) for _ in range(n)], 0.10),
    "nul50_u16": nulls([rng.randint(0, 60000) for _ in range(n)], 0.50),
    "nulrun_i32": nulls(runs(n, lambda: rng.randint(0, 9)), 0.10),
}
schema = [{"name": "bp_i8", "type": "int8"}, {"name": "bp_u16", "type": "uint16"}, {"name": "bp_i32", "type": "int32"},
          {"name": "neg_i32", "type": "int32"}, {"name": "bp_u32", "type": "uint32"}, {"name": "bp_i64", "type": "int64"},
          {"name": "ext_i64", "type": "int64"}, {"name": "run_i32", "type": "int32"}, {"name": "run_i64", "type": "int64"},
          {"name": "run_u8", "type": "uint8"}, {"name": "nul1_i32", "type": "int32"}, {"name": "nul10_i64", "type": "int64"},
          {"name": "nul50_u16", "type": "uint16"}, {"name": "nulrun_i32", "type": "int32"}]
spec("ints", schema, cols, n)

# floats and bools.
n = 1100
cols = {
    "f32": [f32(rng.uniform(-1000, 1000)) for _ in range(n)],
    "f64": [repr(rng.uniform(0, 1)) for _ in range(n)],
    "run_f64": runs(n, lambda: repr(rng.uniform(-5, 5))),
    "nul_f32": nulls([f32(rng.uniform(0, 10)) for _ in range(n)], 0.2),
    "b": [rng.random() < 0.3 for _ in range(n)],
    "nul_b": nulls([rng.random() < 0.5 for _ in range(n)], 0.1),
}
schema = [{"name": "f32", "type": "float32"}, {"name": "f64", "type": "float64"}, {"name": "run_f64", "type": "float64"},
          {"name": "nul_f32", "type": "float32"}, {"name": "b", "type": "bool"}, {"name": "nul_b", "type": "bool"}]
spec("floats", schema, cols, n)

# strings: few distinct values (dictionary), short distinct values (variable), 20-60 characters (FSST).
n = 900
words = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "", "iota-kappa-lambda"]
letters = "abcdefghijklmnopqrstuvwxyz ABCDEFGHIJ0123456789éß"


def text(lo, hi):
    return "".join(rng.choice(letters) for _ in range(rng.randint(lo, hi)))


cols = {
    "dict_s": [rng.choice(words) for _ in range(n)],
    "dict_nul_s": nulls([rng.choice(words[:4]) for _ in range(n)], 0.15),
    "short_s": [text(0, 4) for _ in range(n)],
    "fsst_s": [text(20, 60) for _ in range(n)],
    "fsst_nul_s": nulls([text(25, 70) for _ in range(n)], 0.1),
}
schema = [{"name": "dict_s", "type": "utf8"}, {"name": "dict_nul_s", "type": "utf8"}, {"name": "short_s", "type": "utf8"},
          {"name": "fsst_s", "type": "utf8"}, {"name": "fsst_nul_s", "type": "utf8"}]
spec("strings", schema, cols, n)

# vectors of 8 float32 (32 bytes a row: mini-block), with null rows and with null items.
n = 300
cols = {
    "vec": [[f32(rng.uniform(-1, 1)) for _ in range(8)] for _ in range(n)],
    "vec_nul": nulls([[f32(rng.uniform(-1, 1)) for _ in range(8)] for _ in range(n)], 0.1),
    "vec_item": [[None if rng.random() < 0.05 else f32(rng.uniform(-1, 1)) for _ in range(8)] for _ in range(n)],
}
schema = [{"name": "vec", "type": "fixed_size_list<float32>[8]"}, {"name": "vec_nul", "type": "fixed_size_list<float32>[8]"},
          {"name": "vec_item", "type": "fixed_size_list<float32>[8]"}]
spec("vectors", schema, cols, n)

# general compression, asked for by field metadata.
n = 1500
cols = {
    "zstd_i32": [rng.randint(0, 100) * 1000 for _ in range(n)],
    "lz4_i64": [str(rng.randint(0, 50) * 7) for _ in range(n)],
    "zstd_s": [rng.choice(["red", "green", "blue"]) + str(rng.randint(0, 999)) for _ in range(n)],
}
schema = [{"name": "zstd_i32", "type": "int32", "metadata": {"lance-encoding:compression": "zstd"}},
          {"name": "lz4_i64", "type": "int64", "metadata": {"lance-encoding:compression": "lz4"}},
          {"name": "zstd_s", "type": "utf8", "metadata": {"lance-encoding:compression": "zstd"}}]
spec("general", schema, cols, n)
