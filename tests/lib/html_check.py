#!/usr/bin/env python3
"""Checks report.html as a browser rendered it against the report.xml it was
made from: the DOM Chromium dumped (--dump-dom) and, optionally, the
screenshot it took.

  * the DUT model is shown;
  * every testcase instance has its row, with class v-VERDICT and the
    verdict written in it, and the detail section the row links to;
  * the verdict class of every verdict in the report is on the page;
  * every evidence link is relative, resolves to an existing file under the
    report directory, names a file report.xml lists, and shows its SHA-256;
  * the provision tables list exactly the report's provisions, each with its
    verdict class;
  * there is no script, nothing loaded from elsewhere, transcripts are
    collapsed in <details>;
  * the screenshot is a PNG that is not blank.

usage: html_check.py REPORT.xml DOM.html REPORT-DIR [SHOT.png]
Prints "ok WHAT" or "bad WHAT" per check (tests/e2e/html.sh feeds them to
assert.sh); exits 1 if any check failed."""
import os
import struct
import sys
import urllib.parse
import xml.etree.ElementTree as ET
import zlib
from html.parser import HTMLParser

NS = "{urn:iotcert:report:1}"
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
        "meta", "param", "source", "track", "wbr"}


class Node:
    def __init__(self, tag, attrs, parent):
        self.tag = tag
        self.attrs = dict(attrs)
        self.parent = parent
        self.children = []      # Nodes and strings

    def classes(self):
        return (self.attrs.get("class") or "").split()

    def text(self):
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def walk(self):
        for c in self.children:
            if isinstance(c, Node):
                yield c
                yield from c.walk()

    def find(self, pred):
        return [n for n in self.walk() if pred(n)]


class Builder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", [], None)
        self.cur = self.root

    def handle_starttag(self, tag, attrs):
        n = Node(tag, attrs, self.cur)
        self.cur.children.append(n)
        if tag not in VOID:
            self.cur = n

    def handle_startendtag(self, tag, attrs):
        self.cur.children.append(Node(tag, attrs, self.cur))

    def handle_endtag(self, tag):
        n = self.cur
        while n is not None and n.tag != tag:
            n = n.parent
        if n is not None and n.parent is not None:
            self.cur = n.parent

    def handle_data(self, data):
        self.cur.children.append(data)


def parse_html(path):
    b = Builder()
    with open(path, encoding="utf-8", errors="replace") as f:
        b.feed(f.read())
    b.close()
    return b.root


def png_not_blank(path):
    """(ok, why): a PNG whose decoded scanlines hold more than a few values."""
    with open(path, "rb") as f:
        data = f.read()
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        return False, "not a PNG"
    pos, idat, width, height = 8, b"", 0, 0
    while pos + 8 <= len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            width, height = struct.unpack(">II", body[:8])
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw = zlib.decompress(idat)
    distinct = len(set(raw[::7]))
    if width < 100 or height < 100:
        return False, "%dx%d" % (width, height)
    return distinct > 16, "%dx%d, %d distinct sampled byte values" % (width, height, distinct)


def main(xml_path, dom_path, report_dir, shot=None):
    results = []

    def check(cond, what):
        results.append(("ok " if cond else "bad ") + what)

    rep = ET.parse(xml_path).getroot()
    dom = parse_html(dom_path)
    by_class = lambda c: dom.find(lambda n: c in n.classes())

    model = rep.find(NS + "dut").get("model") or ""
    shown = [n.text() for n in by_class("model")]
    check(model != "" and shown == [model], "DUT model %r shown (%r)" % (model, shown))
    check(model in "".join(n.text() for n in dom.find(lambda n: n.tag == "h1")),
          "DUT model in the page heading")

    rows = {}
    for n in by_class("tc"):
        if n.tag == "tr":
            rows.setdefault(n.attrs.get("data-id"), []).append(n)
    ids = {n.attrs.get("id"): n for n in dom.find(lambda n: n.tag == "article")}
    cases = rep.findall(NS + "testcases/" + NS + "testcase")
    wrong = []
    for tc in cases:
        tid, v = tc.get("id"), tc.get("verdict")
        r = rows.get(tid, [])
        if len(r) != 1:
            wrong.append("%s: %d rows" % (tid, len(r)))
            continue
        r = r[0]
        spans = [s.text() for s in r.find(lambda n: "verdict" in n.classes())]
        if "v-" + v not in r.classes() or spans != [v]:
            wrong.append("%s: class %s, verdict %s, want %s" % (tid, r.classes(), spans, v))
        links = r.find(lambda n: n.tag == "a")
        target = ids.get(links[0].attrs.get("href", "#")[1:]) if links else None
        if target is None or target.attrs.get("data-id") != tid or "v-" + v not in target.classes():
            wrong.append("%s: row does not link to its detail section" % tid)
    check(len(cases) > 0 and not wrong,
          "%d testcases each shown with their verdict%s" % (len(cases), ": " + "; ".join(wrong[:5]) if wrong else ""))
    check(len(rows) == len(cases), "as many testcase rows as testcases (%d)" % len(rows))

    verdicts = {tc.get("verdict") for tc in cases}
    missing = [v for v in sorted(verdicts) if not by_class("v-" + v)]
    check(not missing, "verdict classes %s present%s" % (" ".join(sorted(verdicts)),
          " (missing: %s)" % missing if missing else ""))

    ev = {e.get("file"): e.get("sha256") for e in rep.iter(NS + "evidence")}
    links = [n for n in by_class("evidence") if n.tag == "a"]
    bad_links = []
    for a in links:
        href = a.attrs.get("href", "")
        u = urllib.parse.urlsplit(href)
        path = urllib.parse.unquote(u.path)
        f = a.attrs.get("data-file")
        if u.scheme or u.netloc or href.startswith("/") or u.query or u.fragment:
            bad_links.append("%s: not relative" % href)
        elif not os.path.isfile(os.path.normpath(os.path.join(report_dir, path))):
            bad_links.append("%s: no such file" % href)
        elif os.path.normpath(path) != os.path.normpath(f or "") or f not in ev:
            bad_links.append("%s: not the report's %s" % (href, f))
        elif ev[f] not in a.parent.parent.text():
            bad_links.append("%s: SHA-256 not shown" % href)
    check(len(links) > 0 and not bad_links, "%d evidence links relative, resolving, hashed%s" %
          (len(links), ": " + "; ".join(bad_links[:5]) if bad_links else ""))
    check({a.attrs.get("data-file") for a in links} == set(ev),
          "every evidence file of the report is linked (%d)" % len(ev))

    provs = [(p.get("framework"), p.get("edition") or "", p.get("ref"), p.get("verdict"))
             for p in rep.findall(NS + "provisions/" + NS + "provision")]
    shown = []
    for n in by_class("prov"):
        v = [c[2:] for c in n.classes() if c.startswith("v-")]
        shown.append((n.attrs.get("data-framework"), n.attrs.get("data-edition") or "",
                      n.attrs.get("data-ref"), v[0] if v else None))
    check(len(provs) > 0 and sorted(provs) == sorted(shown),
          "provision tables list the report's %d provisions with their verdicts (page: %d)" %
          (len(provs), len(shown)))

    want = sorted((s.get("framework"), s.get("edition") or "", s.get("verdict"))
                  for s in rep.iter(NS + "scheme-verdict"))
    got = sorted((n.attrs.get("data-framework"), n.attrs.get("data-edition") or "",
                  n.attrs.get("data-verdict")) for n in by_class("scheme-verdict")
                 if n.tag == "div" and "s-" + (n.attrs.get("data-verdict") or "") in n.classes())
    check(want == got, "scheme verdict cards match the report's %d scheme verdicts (page: %d)" %
          (len(want), len(got)))

    # Device bytes that look like HTML (the web UI's error page in the
    # banners) must be text on the page, never markup.
    squash = lambda t: "".join(t.split())
    pres = {squash(n.text()) for n in dom.find(lambda n: n.tag == "pre")}
    banners = [b.text or "" for b in rep.iter(NS + "banner") if "<" in (b.text or "")]
    check(all(squash(b) in pres for b in banners),
          "%d HTML-looking banners shown as text" % len(banners))
    check(len(dom.find(lambda n: n.tag == "title")) == 1 and
          len(dom.find(lambda n: n.tag == "h1")) == 1,
          "one <title> and one <h1>: no device markup became part of the page")

    check(not dom.find(lambda n: n.tag in ("script", "iframe", "object", "embed", "link", "img")
                       or "src" in n.attrs or any(k.startswith("on") for k in n.attrs)),
          "no script, nothing loaded from elsewhere")
    tr = rep.findall(".//" + NS + "transcript")
    folded = dom.find(lambda n: n.tag == "details" and "transcript" in n.classes())
    check(len(folded) == len(tr), "transcripts collapsed in <details> (%d of %d)" % (len(folded), len(tr)))

    if shot:
        good, why = png_not_blank(shot)
        check(good, "screenshot renders (%s)" % why)

    for line in results:
        print(line)
    return 1 if any(r.startswith("bad") for r in results) else 0


if __name__ == "__main__":
    if len(sys.argv) not in (4, 5):
        sys.exit(__doc__)
    sys.exit(main(*sys.argv[1:]))
