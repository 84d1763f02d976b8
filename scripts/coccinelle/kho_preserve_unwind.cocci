// SPDX-License-Identifier: GPL-2.0
/// A kho_preserve_pages() that succeeded must be undone with
/// kho_unpreserve_pages() of the same pages on every later error path of
/// the same function: otherwise the pages stay preserved, and are handed
/// to the next kernel, although the operation failed.
///
/// An error path is a branch taken after the preserve that returns a
/// value other than 0 (or than the preserve's own return value, while it
/// still holds the preserve's 0). The undo must be on every path of that
/// branch: a goto to an unwind label counts, an unwind loop counts.
//
// Confidence: Moderate
// Options: --no-includes --include-headers

virtual report

@initialize:python@
@@
zero_returns = set()

@bad exists@
expression e, n, ret, R;
position p1, p2, r;
statement S;
@@

(
ret = kho_preserve_pages@p1(e, n);
if (\(ret\|ret < 0\)) S
|
if (\(kho_preserve_pages@p1(e, n)\|kho_preserve_pages@p1(e, n) < 0\)) S
)
... when != kho_unpreserve_pages(e, ...)
    when any
if@p2 (...) {
  ... when != kho_unpreserve_pages(e, ...)
      when forall
  return@r R;
}

// "return ret;" with ret still the preserve's 0: not an error path.
@still_zero exists@
expression bad.ret, E;
position bad.p1, bad.r;
statement S;
@@

ret = kho_preserve_pages@p1(...);
if (...) S
... when != ret = E
return@r ret;

@script:python depends on still_zero@
r << bad.r;
@@
zero_returns.add((r[0].file, r[0].line))

@script:python depends on report@
p1 << bad.p1;
p2 << bad.p2;
r << bad.r;
R << bad.R;
@@
if R.strip() != "0" and (r[0].file, r[0].line) not in zero_returns:
    coccilib.report.print_report(p2[0],
        "ERROR: error path does not undo the kho_preserve_pages() of line %s" % p1[0].line)
