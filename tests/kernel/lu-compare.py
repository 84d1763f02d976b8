#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# Compare, in the serial log of the live-update scenario, what iommu-lu's
# debugfs says (iommu_lu/devices) with what the Intel driver's real tables
# say (iommu/intel/dmar_translation_struct), at each dump the guest took
# (tests/kernel/init-liveupdate.sh). Prints one "ok - " / "not ok - " line
# per check; scripts/check-liveupdate.sh counts them.
#
# Usage: lu-compare.py SERIAL.txt MODE
import re
import sys

log, mode = sys.argv[1], sys.argv[2]
dumps = {}
for line in open(log, errors="replace"):
    m = re.match(r"lu-dump (\S+) (\w+): (.*)", line.rstrip("\n"))
    if m:
        dumps.setdefault(m.group(1), {}).setdefault(m.group(2), []).append(m.group(3))


def devices(tag):
    """Framework device lines with a domain: {name: fields}."""
    out = {}
    for line in dumps.get(tag, {}).get("devices", []):
        f = dict(kv.split("=", 1) for kv in line.split()[1:] if "=" in kv)
        if f.get("domain", "-") != "-":
            out[f["name"]] = f
    return out


def dmar(tag):
    """Real entries: {bb:dd.f: (did, page table)}, legacy or scalable."""
    out = {}
    for line in dumps.get(tag, {}).get("dmar", []):
        cols = line.split("\t")
        if len(cols) < 5 or not re.match(r"[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$", cols[0]):
            continue
        ctx_hi, ctx_lo = (int(x, 16) for x in cols[2].split(":"))
        pasid = int(cols[3])
        if pasid < 0:
            out[cols[0]] = ((ctx_hi >> 8) & 0xFFFF, ctx_lo & ~0xFFF)
        elif pasid == 0:
            _, v1, v0 = (int(x, 16) for x in cols[4].split(":"))
            out[cols[0]] = (v1 & 0xFFFF, v0 & ~0xFFF & ((1 << 64) - 1))
    return out


passed = failed = 0


def check(what, cond, why=""):
    global passed, failed
    if cond:
        print(f"ok - {mode} {what}")
        passed += 1
    else:
        print(f"not ok - {mode} {what}" + (f" ({why})" if why else ""))
        failed += 1


def agree(tag, devs, real):
    """Every rid of every listed device: the driver's entry is the framework's."""
    bad = []
    for name, f in devs.items():
        for rid in f["rids"].split(","):
            want = (int(f["did"]), int(f["pgtable"], 16))
            if real.get(rid) != want:
                bad.append(f"{name} rid {rid}: framework {want}, driver {real.get(rid)}")
    return bad


for tag in ("k1", "k2-adopted", "k2", "k3-adopted", "k3"):
    check(f"{tag}: framework and driver dumps present",
          tag in dumps and "devices" in dumps[tag] and "dmar" in dumps[tag])

nkept = 4 if mode == "legacy" else 2   # no bridged group in scalable mode
k1 = {n: f for n, f in devices("k1").items() if f["preserved"] == "1"}
check(f"k1: {nkept} devices preserved in the framework", len(k1) == nkept, sorted(k1))
bad = agree("k1", k1, dmar("k1"))
check("k1: framework's preserved entries (all aliases) = the driver's real entries",
      k1 and not bad, "; ".join(bad))

# Unpreserving the only preserved device released every KHO preservation.
def state(tag):
    return dict(l.split("=", 1) for l in dumps.get(tag, {}).get("state", []) if "=" in l)


one, none = state("k1-one"), state("k1-none")
check("k1: one device preserved: its pages are KHO-preserved",
      int(one.get("pages_preserved", 0)) > 0 and one.get("devices_preserved") == "1",
      one.get("pages_preserved"))
check("k1: unpreserved: no page, device or domain preserved any more",
      none.get("pages_preserved") == "0" and none.get("devices_preserved") == "0"
      and none.get("domains_preserved") == "0",
      {k: none.get(k) for k in ("pages_preserved", "devices_preserved", "domains_preserved")})

# The cleanup set computed without applying it: every present entry but the
# preserved devices' (and their aliases').
cleanup = None
for line in open(log, errors="replace"):
    m = re.match(r"lu-edu: kernel 1: cleanup set \((\d+) ids\):(.*)", line.strip())
    if m:
        cleanup = set(m.group(2).split())
present = set(dmar("k1"))
kept = {r for f in k1.values() for r in f["rids"].split(",")}
check("k1: cleanup set = present requester ids - preserved ones (with aliases)",
      cleanup is not None and cleanup == present - kept,
      f"cleanup {sorted(cleanup or [])} expected {sorted(present - kept)}")

k2a = {n: f for n, f in devices("k2-adopted").items() if f["adopted"] == "1"}
same = all(n in k2a and all(k2a[n][k] == f[k] for k in ("rids", "did", "pgtable"))
           for n, f in k1.items())
check("k2: adopted = what kernel 1 preserved (rids, domain ids, page tables)",
      same and len(k2a) == len(k1))

old = {(int(f["did"]), int(f["pgtable"], 16)) for f in k1.values()}
old_dids = {d for d, _ in old}
real2 = dmar("k2")
rel = [n for n in k1 if n != "0000:00:03.0"]
bad = []
for n in rel:
    for rid in k1[n]["rids"].split(","):
        e = real2.get(rid)
        if e is None or e[0] in old_dids or e in old:
            bad.append(f"{n} rid {rid}: {e}")
check("k2: released devices have new entries (new domain ids, new page tables)",
      rel and not bad, "; ".join(bad))
k2 = devices("k2")
check("k2: framework: released devices no longer adopted, only the re-preserved one kept",
      sorted(k2) == ["0000:00:03.0"] and k2["0000:00:03.0"]["preserved"] == "1"
      and k2["0000:00:03.0"]["did"] == k1["0000:00:03.0"]["did"]
      if "0000:00:03.0" in k1 and "0000:00:03.0" in k2 else False, sorted(k2))

k3a = devices("k3-adopted")
check("k3: adopted = what kernel 2 preserved again",
      sorted(k3a) == ["0000:00:03.0"] and
      all(k3a["0000:00:03.0"][k] == k1["0000:00:03.0"][k] for k in ("did", "pgtable"))
      if "0000:00:03.0" in k3a and "0000:00:03.0" in k1 else False)
e = dmar("k3").get("00:03.0")
check("k3: after release the driver's entry is new, the framework tracks nothing",
      e is not None and e not in old and not devices("k3"), e)
# After the last release and finish, nothing handed over is held any more.
k3s = state("k3")
check("k3: after finish no handed-over or preserved page is held",
      k3s.get("pages") == "0" and k3s.get("pages_adopted") == "0"
      and k3s.get("pages_preserved") == "0" and k3s.get("incoming") == "none",
      {k: k3s.get(k) for k in ("pages", "pages_adopted", "pages_preserved", "incoming")})
k2s = state("k2-adopted")
check("k2: the adopted pages are held until release/finish",
      int(k2s.get("pages_adopted", "0")) > 0, k2s.get("pages_adopted"))
print(f"# lu-compare: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
