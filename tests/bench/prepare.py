#!/usr/bin/env python3
"""Data preparation for tests/bench/bench.sh (not timed).

  prepare.py split JSONL OUTDIR
      Writes, for the peers that store one file per article:
        OUTDIR/txt/NNNNNN.txt    each article's "text" value (UTF-8), nothing else
        OUTDIR/html/NNNNNN.html  the same text, HTML-escaped in <pre>, with its title,
                                 plus index.html (welcome page) and illustration.png
                                 (48x48 PNG), which zimwriterfs requires
        OUTDIR/urls.txt          "NUMBER<TAB>URL" for every article with a URL
      and prints "articles TEXT_BYTES" (TEXT_BYTES: sum of the UTF-8 bytes of every
      "text" value). NNNNNN is the 0-based line number, which is also the article
      number in the quire archive (quire numbers articles in input order).

  prepare.py stats JSONL
      Prints "articles TEXT_BYTES" only.

  prepare.py repeat JSONL K OUT
      Writes K copies of JSONL to OUT; copy c (1..K) has "#c" appended to every "id"
      value, so that every article of OUT is distinct. Only the id value changes: the
      rest of each line is kept byte for byte. Prints "articles TEXT_BYTES" of OUT.
"""
import html
import json
import os
import re
import struct
import sys
import zlib


def die(msg):
    sys.stderr.write("prepare.py: %s\n" % msg)
    sys.exit(2)


def png_48x48():
    """A minimal valid 48x48 8-bit grayscale PNG (one flat colour)."""
    w = h = 48

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + bytes([0x80]) * w for _ in range(h))
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9))
            + chunk(b"IEND", b""))


def text_of(obj):
    t = obj.get("text") if isinstance(obj, dict) else None
    return t if isinstance(t, str) else ""


def split(src, out):
    txt = os.path.join(out, "txt")
    hdir = os.path.join(out, "html")
    os.makedirs(txt, exist_ok=True)
    os.makedirs(hdir, exist_ok=True)
    n = 0
    total = 0
    with open(src, "rb") as fh, open(os.path.join(out, "urls.txt"), "w", encoding="utf-8") as urls:
        for line in fh:
            obj = json.loads(line)
            body = text_of(obj).encode("utf-8", "surrogatepass")
            total += len(body)
            name = "%06d" % n
            with open(os.path.join(txt, name + ".txt"), "wb") as f:
                f.write(body)
            title = obj.get("title") if isinstance(obj.get("title"), str) else name
            page = ('<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>%s</title></head>\n'
                    '<body><h1>%s</h1>\n<pre>%s</pre>\n</body></html>\n'
                    % (html.escape(title), html.escape(title),
                       html.escape(body.decode("utf-8", "replace"))))
            with open(os.path.join(hdir, name + ".html"), "wb") as f:
                f.write(page.encode("utf-8"))
            url = obj.get("url")
            if isinstance(url, str) and url and "\t" not in url and "\n" not in url:
                urls.write("%d\t%s\n" % (n, url))
            n += 1
    with open(os.path.join(hdir, "index.html"), "w", encoding="utf-8") as f:
        f.write('<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>quire benchmark</title>'
                '</head>\n<body><h1>quire benchmark</h1>\n<p>%d articles from %s, one page each '
                '(000000.html ...).</p>\n</body></html>\n' % (n, html.escape(os.path.basename(src))))
    with open(os.path.join(hdir, "illustration.png"), "wb") as f:
        f.write(png_48x48())
    print(n, total)


def stats(src):
    n = 0
    total = 0
    with open(src, "rb") as fh:
        for line in fh:
            total += len(text_of(json.loads(line)).encode("utf-8", "surrogatepass"))
            n += 1
    print(n, total)


ID_RE = re.compile(rb'"id"\s*:\s*"((?:[^"\\]|\\.)*)"')


def repeat(src, k, out):
    with open(src, "rb") as fh:
        lines = fh.read().splitlines()
    n = 0
    total = 0
    texts = [len(text_of(json.loads(line)).encode("utf-8", "surrogatepass")) for line in lines]
    with open(out, "wb") as fo:
        for c in range(1, k + 1):
            suffix = b"#%d" % c
            for line, tlen in zip(lines, texts):
                # The "id" key of these dumps comes first; a match elsewhere (inside a
                # string) is ruled out by parsing the result and checking the id.
                m = ID_RE.search(line)
                if m is None:
                    die("%s: a line without an \"id\" string" % src)
                new = line[:m.end(1)] + suffix + line[m.end(1):]
                if c == 1:
                    want = json.loads(line)["id"] + suffix.decode()
                    if json.loads(new)["id"] != want:
                        die("%s: could not rewrite the id of line %d" % (src, n + 1))
                fo.write(new + b"\n")
                n += 1
                total += tlen
    print(n, total)


def main():
    a = sys.argv[1:]
    if len(a) == 3 and a[0] == "split":
        split(a[1], a[2])
    elif len(a) == 2 and a[0] == "stats":
        stats(a[1])
    elif len(a) == 4 and a[0] == "repeat":
        repeat(a[1], int(a[2]), a[3])
    else:
        die("usage: prepare.py split JSONL OUTDIR | stats JSONL | repeat JSONL K OUT")


if __name__ == "__main__":
    main()
