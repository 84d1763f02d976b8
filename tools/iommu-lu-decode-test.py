#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# End-to-end check of tools/iommu-lu-decode: writes handover dumps by hand,
# straight from the layout in abi/iommu_lu_abi.h (an independent writer, so a
# drift between the ABI header and the decoder shows up here), runs the
# decoder on a valid one and on broken ones and checks exit status and
# messages. Prints KTAP and "N passed, N failed"; exits non-zero on failure.
#
# Usage: tools/iommu-lu-decode-test.py [DECODER]   (default tests/out/iommu-lu-decode)

import os
import struct
import subprocess
import sys
import tempfile

MAGIC = 0x706d75642d756c69          # IOMMU_LU_DUMP_MAGIC, "ilu-dump"
BS = 4096                           # IOMMU_LU_BLOCK_SIZE
HDR_SIZE = 128                      # sizeof(struct iommu_lu_header_ser)
BLK_HDR = 24                        # sizeof(struct iommu_lu_block_ser)
UNIT, DOMAIN, DEVICE, PAGE = range(4)
REC_SIZE = {UNIT: 56, DOMAIN: 24, DEVICE: 72, PAGE: 16}
LIVE, UNIT_CLEANED, HDR_FROZEN = 1, 2, 1
VTD, AMD = 1, 2
ROOT, CONTEXT, PGTABLE, PASID_DIR, PASID_TABLE = range(1, 6)


def slots(kind):
    return min(256, (BS - BLK_HDR) // REC_SIZE[kind])


def block(kind, recs, nxt=0):
    b = struct.pack('<QIIII', nxt, kind, REC_SIZE[kind], slots(kind), len(recs))
    for r in recs:
        assert len(r) == REC_SIZE[kind]
        b += r
    return b + b'\0' * (BS - len(b))


def unit(uid, mode, token, root, ndev, seg=0, vendor=VTD, flags=LIVE | UNIT_CLEANED):
    return struct.pack('<IIIIQQHHIQQ', flags, uid, vendor, mode, token, root,
                       seg, 0, ndev, 0, 0)


# A domain record is a page table; the units using it are in the devices.
def domain(did, pt, levels, npages):
    return struct.pack('<IIQII', LIVE, did, pt, levels, npages)


# hw: the hardware domain id (VT-d DID) the domain has on the device's unit.
def device(uid, did, hw, rids, seg=0, pdir=0, pdts=0):
    r = list(rids) + [0] * (16 - len(rids))
    return struct.pack('<IIIIHHHH16HQQ', LIVE, uid, did, hw, seg, rids[0],
                       len(rids), 0, *r, pdir, pdts)


# A device of the scalable-mode unit 2: its PASID directory (PDTS 2, a page).
def smdev(uid, did, hw, rids):
    return device(uid, did, hw, rids, pdir=0x2102000, pdts=2)


def page(phys, owner, kind):
    return struct.pack('<QIHH', phys, owner, kind, LIVE)


def header(chain, nrec, nblk, compat=b'iommu-lu-v1', version=1, flags=HDR_FROZEN):
    h = compat.ljust(16, b'\0')
    h += struct.pack('<IIIIQ', version, HDR_SIZE, BS, flags, 42)
    h += struct.pack('<4Q', *chain) + struct.pack('<4I', *nrec)
    h += struct.pack('<4I', *nblk) + b'\0' * 24
    assert len(h) == HDR_SIZE
    return h + b'\0' * (BS - len(h))


def dump(pages):
    return b''.join(struct.pack('<QQ', MAGIC, phys) + data for phys, data in pages)


H, BU, BD, BV, BP = 0x1000000, 0x1001000, 0x1002000, 0x1003000, 0x1004000

# Domain 1 is used on both units, with DID 2 on unit 1 and DID 5 on unit 2.
UNITS = [unit(1, 0, 0xfed90000, 0x2000000, 2),
         unit(2, 1, 0xfed91000, 0x2100000, 2)]
DOMAINS = [domain(1, 0x3000000, 4, 3),
           domain(2, 0x3100000, 3, 1)]
DEVICES = [device(1, 1, 2, [0x0018]),
           device(1, 1, 2, [0x0300, 0x0200, 0x0100]),
           smdev(2, 2, 3, [0x8000]),
           smdev(2, 1, 5, [0x8100])]
PAGES = [page(0x2000000, 1, ROOT), page(0x2001000, 1, CONTEXT),
         page(0x2002000, 1, CONTEXT), page(0x3000000, 1, PGTABLE),
         page(0x3001000, 1, PGTABLE), page(0x3002000, 1, PGTABLE),
         page(0x2100000, 2, ROOT), page(0x2101000, 2, CONTEXT),
         page(0x2102000, 2, PASID_DIR), page(0x2103000, 2, PASID_TABLE),
         page(0x3100000, 2, PGTABLE)]


def handover(units=UNITS, domains=DOMAINS, devices=DEVICES, pages=PAGES,
             drop=None, extra=(), **hdr):
    nrec = [len(units), len(domains), len(devices), len(pages)]
    out = [(H, header([BU, BD, BV, BP], nrec, [1, 1, 1, 1], **hdr)),
           (BU, block(UNIT, units)), (BD, block(DOMAIN, domains)),
           (BV, block(DEVICE, devices)), (BP, block(PAGE, pages))]
    return dump([p for p in out if p[0] != drop] + list(extra))


valid = handover()
bad_magic = bytearray(valid)
bad_magic[BS + 16] ^= 0xff

# (name, dump bytes, args, expected exit status, text expected in the output)
CASES = [
    ('valid', valid, [], 0,
     ['iommu-lu-v1, version 1, generation 42, flags 0x1 (frozen)',
      'unit 1: intel-vtd, mode legacy, segment 0000, token 0xfed90000, root 0x2000000, 2 devices, cleaned',
      'unit 2: intel-vtd, mode scalable',
      'domain 1: page table 0x3000000, 4 levels, 3 pages; on unit 1 did 2, unit 2 did 5\n',
      'domain 2: page table 0x3100000, 3 levels, 1 pages; on unit 2 did 3\n',
      '0000:00:03.0: unit 1, domain 1, did 2\n',
      '0000:03:00.0: unit 1, domain 1, did 2, aliases 02:00.0 01:00.0',
      '0000:80:00.0: unit 2, domain 2, did 3, pasid dir 0x2102000\n',
      '0000:81:00.0: unit 2, domain 1, did 5, pasid dir 0x2102000\n',
      'root (2):', 'context (3):', 'page-table (4):', 'pasid-dir (1):',
      '0x3100000  domain 2', '0x2103000  unit 2']),
    ('quiet', valid, ['-q'], 0, []),
    ('stdin', valid, ['-'], 0, ['handover <stdin>']),
    ('empty', b'', [], 1, ['empty dump']),
    ('truncated', valid[:-100], [], 1, ['malformed dump']),
    ('bad magic', bytes(bad_magic), [], 1, ['bad magic']),
    ('page twice', handover(extra=[(BU, block(UNIT, UNITS))]), [], 1,
     ['appears twice']),
    ('missing block', handover(drop=BV), [], 1,
     ['invalid handover: device block 0x1003000 is not part of the handover']),
    ('compatible', handover(compat=b'iommu-lu-v2'), [], 1,
     ['invalid handover: compatible "iommu-lu-v2" is not "iommu-lu-v1"']),
    ('version', handover(version=2), [], 1, ['invalid handover: version 2']),
    ('dangling domain',
     handover(devices=[device(1, 9, 2, [0x0018])] + DEVICES[1:]), [], 1,
     ['invalid handover: device 0018: domain 9 missing']),
    ('other vendor',
     handover(units=UNITS + [unit(3, 0, 0xfee00000, 0x2200000, 1, vendor=AMD)],
              devices=DEVICES + [device(3, 2, 0, [0x9000])],
              pages=PAGES + [page(0x2200000, 3, ROOT)]), [], 0,
     ['unit 3: amd-vi, mode 0',
      'domain 2: page table 0x3100000, 3 levels, 1 pages; on unit 2 did 3, unit 3 hw id 0\n',
      '0000:90:00.0: unit 3, domain 2, hw id 0\n']),
    ('did of two domains',
     handover(devices=DEVICES[:3] + [smdev(2, 1, 3, [0x8100])]), [], 1,
     ['invalid handover: unit 2: hardware domain 3 names domains']),
    ('domain with two dids',
     handover(devices=DEVICES[:1] + [device(1, 1, 4, [0x0300, 0x0200, 0x0100])]
              + DEVICES[2:]), [], 1,
     ['invalid handover: unit 1: domain 1 has hardware ids']),
    ('reserved did',
     handover(devices=[device(1, 1, 1, [0x0018]),
                       device(1, 1, 1, [0x0300, 0x0200, 0x0100])] + DEVICES[2:]),
     [], 1,
     ['invalid handover: device 0018: VT-d domain id 1 is reserved or out of range']),
    ('unused domain',
     handover(domains=DOMAINS + [domain(3, 0x3200000, 3, 1)],
              pages=PAGES + [page(0x3200000, 3, PGTABLE)]), [], 1,
     ['invalid handover: domain 3 has no device']),
    ('shared page table',
     handover(domains=[DOMAINS[0], domain(2, 0x3000000, 3, 1)]), [], 1,
     ['share page table 0x3000000']),
    ('page owner', handover(pages=PAGES + [page(0x3200000, 7, PGTABLE)]), [], 1,
     ['invalid handover: page 0x3200000: owner 7 missing']),
    ('bad option', valid, ['-x'], 2, ['Usage:']),
]


def main():
    decoder = sys.argv[1] if len(sys.argv) > 1 else 'tests/out/iommu-lu-decode'
    passed = failed = 0
    print('KTAP version 1')
    print('1..%d' % len(CASES))
    with tempfile.TemporaryDirectory() as tmp:
        for i, (name, data, args, status, texts) in enumerate(CASES, 1):
            path = os.path.join(tmp, 'case%d.dump' % i)
            with open(path, 'wb') as f:
                f.write(data)
            if args == ['-']:
                cmd, stdin = [decoder, '-'], data
            else:
                cmd, stdin = [decoder] + args + [path], None
            r = subprocess.run(cmd, input=stdin, capture_output=True)
            out = (r.stdout + r.stderr).decode(errors='replace')
            why = []
            if r.returncode != status:
                why.append('exit %d, expected %d' % (r.returncode, status))
            why += ['missing %r' % t for t in texts if t not in out]
            if name == 'quiet' and out:
                why.append('printed %r' % out[:80])
            if why:
                failed += 1
                print('# %s: %s' % (name, '; '.join(why)))
                for line in out.splitlines()[:20]:
                    print('#   ' + line)
                print('not ok %d decode %s' % (i, name))
            else:
                passed += 1
                print('ok %d decode %s' % (i, name))
    print('%d passed, %d failed' % (passed, failed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
